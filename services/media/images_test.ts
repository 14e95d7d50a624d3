import { MagickColor, MagickFormat, MagickImage } from "@imagemagick/magick-wasm";
import { assert, assertEquals, assertRejects } from "../../framework/testing/assert.ts";
import { UnsupportedMediaError, ValidationError } from "../errors.ts";
import { ImageProcessor } from "./images.ts";
import { loadMagick } from "./pipeline.ts";

async function photo(width: number, height: number): Promise<Uint8Array> {
  await loadMagick();
  const image = MagickImage.create();
  image.read(new MagickColor("#336699"), width, height);
  let out = new Uint8Array();
  image.write(MagickFormat.Jpeg, (data) => out = data.slice());
  image.dispose();
  return out;
}

Deno.test({
  name: "[media images] photos are processed in a worker, the event loop turning meanwhile; refusals keep their kind",
  sanitizeResources: false,
  fn: async () => {
    const images = new ImageProcessor();
    try {
      const bytes = await photo(3000, 2000);
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      const out = await images.process(bytes, "post");
      clearInterval(timer);
      assertEquals(out.variants.map((v) => v.width), [1600, 1600, 960, 960, 480, 480]);
      assert(ticks >= 5, `the event loop kept turning while the photo was processed (${ticks} ticks)`);
      assertEquals(bytes.byteLength, 0, "the upload's buffer moved to the worker, not copied");

      const svg = new TextEncoder().encode("<svg xmlns='http://www.w3.org/2000/svg'/>");
      assert((await assertRejects(() => images.process(svg, "post"))) instanceof UnsupportedMediaError);
      const cut = (await photo(200, 100)).subarray(0, 300);
      assert((await assertRejects(() => images.process(cut, "avatar"), "cut short")) instanceof ValidationError);
    } finally {
      images.close();
    }
  },
});
