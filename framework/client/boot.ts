// The one boot module a page with islands loads. It reads the serialised props, then hydrates each island in place
// between the comment markers the server wrote around it.
import { type ComponentType, h, render } from "preact";
import { decode } from "./deserialize.ts";
import { setBuildId, SLOT_TAG, slotAttrs } from "../runtime.ts";

type IslandModules = Record<string, Record<string, unknown>>;
type IslandEntry = [file: string, exportName: string, hasSlot: 0 | 1];

interface RootFragment {
  nodeType: 1;
  parentNode: Node;
  namespaceURI: string | null;
  firstChild: ChildNode | null;
  childNodes: ChildNode[];
  insertBefore(node: Node, child: Node | null): Node;
  appendChild(node: Node): Node;
  removeChild(node: Node): Node;
  contains(node: Node | null): boolean;
}

// Preact renders into a parent element; this stands for the slice of the real parent between two markers.
function rootBetween(start: Comment, end: Comment): RootFragment {
  const parent = start.parentNode!;
  const children: ChildNode[] = [];
  for (let n = start.nextSibling; n && n !== end; n = n.nextSibling) children.push(n);
  return {
    nodeType: 1,
    parentNode: parent,
    namespaceURI: (parent as Element).namespaceURI ?? null,
    firstChild: children[0] ?? null,
    childNodes: children,
    insertBefore: (node, child) => parent.insertBefore(node, child ?? end),
    appendChild: (node) => parent.insertBefore(node, end),
    removeChild: (node) => parent.removeChild(node),
    contains: (node) => children.includes(node as ChildNode),
  };
}

export function boot(modules: IslandModules, stateId: string): void {
  const stateEl = document.getElementById(stateId);
  if (!stateEl) return;
  const { buildId, islands, props } = JSON.parse(stateEl.textContent!) as {
    buildId: string;
    islands: IslandEntry[];
    props: unknown;
  };
  setBuildId(buildId);
  const allProps = decode(props) as Record<string, unknown>[];

  // Outer islands first, each time finding its markers afresh: rendering an island with a slot re-creates the slot's
  // nodes (and the markers of islands inside it), so those are only looked up after their parent is live.
  for (let index = 0; index < islands.length; index++) {
    const markers = findMarkers(index);
    if (!markers) continue;
    const [file, exportName, hasSlot] = islands[index];
    const component = modules[file]?.[exportName] as ComponentType | undefined;
    if (!component) continue;
    const props = allProps[index];
    if (hasSlot) {
      const slot = document.querySelector(`${SLOT_TAG}[data-frsh-slot="${index}"]`);
      props.children = h(SLOT_TAG, { ...slotAttrs(index), dangerouslySetInnerHTML: { __html: slot?.innerHTML ?? "" } });
    }
    try {
      // render(), not hydrate(): it reuses the server's nodes and also corrects attributes that differ in the
      // browser (hydrate() only attaches listeners), as Fresh 1.x does.
      render(h(component, props), rootBetween(markers[0], markers[1]) as unknown as Element);
    } catch (err) {
      console.error(`Island ${file}#${exportName} failed to start`, err);
    }
  }
}

function findMarkers(index: number): [Comment, Comment] | null {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_COMMENT);
  let start: Comment | null = null;
  for (let node = walker.nextNode() as Comment | null; node; node = walker.nextNode() as Comment | null) {
    if (node.data === `frsh-i:${index}`) start = node;
    else if (start && node.data === `/frsh-i:${index}`) return [start, node];
  }
  return null;
}
