// The one boot module a page with islands loads. It reads the serialised props, then hydrates each island in place
// between the comment markers the server wrote around it.
import { type ComponentType, h, hydrate } from "preact";
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

  const starts = new Map<number, Comment>();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_COMMENT);
  const pairs: [number, Comment, Comment][] = [];
  for (let node = walker.nextNode() as Comment | null; node; node = walker.nextNode() as Comment | null) {
    const m = node.data.match(/^(\/?)frsh-i:(\d+)$/);
    if (!m) continue;
    const index = Number(m[2]);
    if (!m[1]) starts.set(index, node);
    else if (starts.has(index)) pairs.push([index, starts.get(index)!, node]);
  }
  for (const [index, start, end] of pairs) {
    const [file, exportName, hasSlot] = islands[index];
    const component = modules[file]?.[exportName] as ComponentType | undefined;
    if (!component) continue;
    const props = allProps[index];
    if (hasSlot) {
      // The server-rendered children stay as they are: Preact neither hydrates nor rewrites inner HTML it was given,
      // so islands inside them keep their own roots.
      const slot = document.querySelector(`${SLOT_TAG}[data-frsh-slot="${index}"]`);
      props.children = h(SLOT_TAG, { ...slotAttrs(index), dangerouslySetInnerHTML: { __html: slot?.innerHTML ?? "" } });
    }
    try {
      hydrate(h(component, props), rootBetween(start, end) as unknown as Element);
    } catch (err) {
      console.error(`Island ${file}#${exportName} failed to hydrate`, err);
    }
  }
}
