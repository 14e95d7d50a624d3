// Run by tasks/bench/media.ts, each step in a process of its own so one's memory never counts towards the other's:
//   make PATH          writes a 12 MP camera-like JPEG (noise softened by a blur, so it compresses and decodes like a
//                      photo rather than a flat colour)
//   run PATH ROUNDS    puts it through the image pipeline ROUNDS times on this one thread and prints one JSON line:
//                      each round's milliseconds, the resident memory before the first and its peak (VmHWM)
import { MagickColor, MagickFormat, MagickImage, NoiseType } from "@imagemagick/magick-wasm";
import { loadMagick, processImage } from "../../services/media/pipeline.ts";

const [mode, path, rounds = "5"] = Deno.args;
const kb = (field: string) =>
  Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(Deno.readTextFileSync("/proc/self/status"))?.[1] ?? 0);

await loadMagick();
if (mode === "make") {
  const image = MagickImage.create();
  image.read(new MagickColor("#6a7f94"), 4032, 3024);
  image.addNoise(NoiseType.Gaussian, 1.5);
  image.blur(0, 0.8);
  image.quality = 90;
  image.write(MagickFormat.Jpeg, (data) => Deno.writeFileSync(path, data));
  image.dispose();
} else {
  const photo = await Deno.readFile(path);
  const idleKb = kb("VmRSS");
  const ms: number[] = [];
  let variants = 0;
  for (let i = 0; i < Number(rounds); i++) {
    const started = performance.now();
    variants = (await processImage(photo, "post")).variants.length;
    ms.push(performance.now() - started);
  }
  console.log(JSON.stringify({ photoBytes: photo.byteLength, variants, ms, idleKb, peakKb: kb("VmHWM") }));
}
