// The Kubernetes manifests (deploy/kubernetes/) as a cluster would take them: kustomize renders the base and the
// example overlay, every object is checked against the Kubernetes API schemas twice (the JSON schemas for values and
// required fields; the same API's TypeScript types, through `deno check`, for any field the API does not have), and
// the operational promises of README "Deploying" are asserted on what was rendered.
import { parseAllDocuments } from "yaml";
import { assert, assertEquals } from "../framework/testing/assert.ts";
import { requireBinaries } from "../services/testing.ts";

const KUBERNETES = new URL("../deploy/kubernetes/", import.meta.url).pathname;
const PROJECT = new URL("../", import.meta.url).pathname;
const bin = requireBinaries("kubectl");

// deno-lint-ignore no-explicit-any
type Manifest = Record<string, any>;

/** The module and type of each kind the manifests use, as kubernetes-models names them. */
const MODELS: Record<string, { module: string; type: string }> = {
  "v1/Namespace": { module: "v1/Namespace", type: "INamespace" },
  "v1/ConfigMap": { module: "v1/ConfigMap", type: "IConfigMap" },
  "v1/Service": { module: "v1/Service", type: "IService" },
  "apps/v1/Deployment": { module: "apps/v1/Deployment", type: "IDeployment" },
  "batch/v1/Job": { module: "batch/v1/Job", type: "IJob" },
  "networking.k8s.io/v1/Ingress": { module: "networking.k8s.io/v1/Ingress", type: "IIngress" },
  "autoscaling/v2/HorizontalPodAutoscaler": {
    module: "autoscaling/v2/HorizontalPodAutoscaler",
    type: "IHorizontalPodAutoscaler",
  },
  "policy/v1/PodDisruptionBudget": { module: "policy/v1/PodDisruptionBudget", type: "IPodDisruptionBudget" },
};

const modelOf = (m: Manifest) => MODELS[`${m.apiVersion}/${m.kind}`];

const rendered = new Map<string, Promise<Manifest[]>>();

/** The objects kustomize renders for `dir`, rendered once per run (several tests read the overlay). */
function render(dir: string): Promise<Manifest[]> {
  if (!rendered.has(dir)) rendered.set(dir, kustomize(dir));
  return rendered.get(dir)!;
}

async function kustomize(dir: string): Promise<Manifest[]> {
  const out = await new Deno.Command(bin!.kubectl, { args: ["kustomize", `${KUBERNETES}${dir}`], stdin: "null" })
    .output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert(out.success, `kubectl kustomize ${dir} failed:\n${stderr}`);
  // kustomize warns of deprecated fields on stderr; the manifests must use none.
  assertEquals(stderr.trim(), "", `kubectl kustomize ${dir} warned`);
  return parseAllDocuments(new TextDecoder().decode(out.stdout)).map((doc) => doc.toJS() as Manifest);
}

/** Values, formats and required fields, as the API server's schema checks them. */
async function validateValues(manifests: Manifest[]): Promise<void> {
  for (const m of manifests) {
    const model = modelOf(m);
    assert(model, `no schema for ${m.apiVersion} ${m.kind}: add it to MODELS`);
    const Model = (await import(`kubernetes-models/${model.module}`))[m.kind];
    try {
      new Model(m).validate();
    } catch (err) {
      throw new Error(`${m.kind}/${m.metadata?.name} is invalid: ${(err as Error).message}`);
    }
  }
}

/**
 * Fields the API does not have (a misspelt probe field, a key at the wrong level): the objects as typed literals,
 * whose excess properties `deno check` reports at any depth.
 */
async function validateFields(manifests: Manifest[]): Promise<void> {
  const kinds = [...new Set(manifests.map((m) => `${m.apiVersion}/${m.kind}`))];
  const imports = kinds.map((k) => `import type { ${MODELS[k].type} } from "kubernetes-models/${MODELS[k].module}";`);
  const objects = manifests.map((m, i) => `export const m${i}: ${modelOf(m).type} = ${JSON.stringify(m)};`);
  const file = await Deno.makeTempFile({ dir: PROJECT, prefix: ".kubernetes_check_", suffix: ".ts" });
  try {
    await Deno.writeTextFile(file, [...imports, ...objects].join("\n"));
    const out = await new Deno.Command(Deno.execPath(), { args: ["check", "--quiet", file], cwd: PROJECT }).output();
    const report = new TextDecoder().decode(out.stderr).replaceAll(file, "manifest");
    assert(out.success, `fields the Kubernetes API does not have:\n${report}`);
  } finally {
    await Deno.remove(file);
  }
}

const find = (manifests: Manifest[], kind: string, name?: string) => {
  const found = manifests.find((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
  assert(found, `no ${kind} ${name ?? ""} rendered`);
  return found;
};

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

for (const dir of ["base", "overlays/example"]) {
  Deno.test({
    name: `[kubernetes] ${dir} renders objects that the Kubernetes API schemas accept`,
    ignore: !bin,
    fn: async () => {
      const manifests = await render(dir);
      await validateValues(manifests);
      await validateFields(manifests);
    },
  });
}

Deno.test({
  name: "[kubernetes] the app runs as several non-root instances that stop gracefully and are probed",
  ignore: !bin,
  fn: async () => {
    const manifests = await render("overlays/example");
    const deployment = find(manifests, "Deployment", "prok");
    const pod = deployment.spec.template.spec;
    const [app] = pod.containers;
    assert(deployment.spec.replicas >= 2, "at least two replicas");
    assertEquals(pod.securityContext.runAsNonRoot, true);
    assertEquals(pod.securityContext.runAsUser, 10001, "the image's prok user");
    assertEquals(app.securityContext.readOnlyRootFilesystem, true);
    assertEquals(app.securityContext.allowPrivilegeEscalation, false);
    assert(app.resources.requests.cpu && app.resources.requests.memory && app.resources.limits.memory, "resources");
    assertEquals(app.livenessProbe.httpGet.path, "/healthz");
    assertEquals(app.readinessProbe.httpGet.path, "/readyz");
    assertEquals(app.image, "ghcr.io/example/prok:1.0.0", "the overlay's image");
    // The grace period outlasts the drain window and the queue's stop deadline (20 s, services/shutdown.ts).
    const config = find(manifests, "ConfigMap", "prok");
    const drainSeconds = Number(config.data.PROK_DRAIN_MS) / 1000;
    assert(pod.terminationGracePeriodSeconds > drainSeconds + 20, `grace ${pod.terminationGracePeriodSeconds} s`);
    assertEquals(config.data.PROK_ORIGIN, "https://prok.example.org", "the overlay's origin");
    // Writable paths are volumes, not the image.
    const mounts = app.volumeMounts.map((v: Manifest) => v.mountPath).sort();
    assertEquals(mounts, ["/app/data", "/tmp"]);
    assertEquals(app.envFrom.map((e: Manifest) => e.configMapRef?.name ?? e.secretRef?.name), ["prok", "prok"]);
  },
});

Deno.test({
  name: "[kubernetes] the Service, Ingress, autoscaler, disruption budget and migration Job point at the app",
  ignore: !bin,
  fn: async () => {
    const manifests = await render("overlays/example");
    const deployment = find(manifests, "Deployment", "prok");
    const podLabels = deployment.spec.template.metadata.labels;
    assert(selects(deployment.spec.selector.matchLabels, podLabels), "the Deployment selects its pods");
    const service = find(manifests, "Service", "prok");
    assert(selects(service.spec.selector, podLabels), "the Service selects the app's pods");
    const ingress = find(manifests, "Ingress", "prok");
    const backend = ingress.spec.rules[0].http.paths[0].backend.service;
    assertEquals(backend.name, service.metadata.name);
    assertEquals(backend.port.name, service.spec.ports[0].name);
    assertEquals(ingress.spec.rules[0].host, ingress.spec.tls[0].hosts[0], "TLS covers the host");
    assertEquals(new URL(find(manifests, "ConfigMap", "prok").data.PROK_ORIGIN).host, ingress.spec.rules[0].host);
    const hpa = find(manifests, "HorizontalPodAutoscaler", "prok");
    assertEquals(hpa.spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "prok" });
    assert(hpa.spec.minReplicas >= 2, "the autoscaler keeps two instances");
    const pdb = find(manifests, "PodDisruptionBudget", "prok");
    assert(selects(pdb.spec.selector.matchLabels, podLabels), "the budget covers the app's pods");
    const migrate = find(manifests, "Job", "prok-migrate");
    assertEquals(migrate.spec.template.spec.containers[0].image, deployment.spec.template.spec.containers[0].image);
    assert(!selects(service.spec.selector, migrate.spec.template.metadata.labels), "no traffic to the migration");
    for (const m of manifests) assertEquals(m.metadata.namespace ?? m.metadata.name, "prok", `${m.kind} namespace`);
  },
});
