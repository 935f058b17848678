package dev.stoker.image;

import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.Region;
import dev.stoker.api.TransformSpec;
import dev.stoker.api.TransformSpec.ColorJitter;
import dev.stoker.api.TransformSpec.GaussianBlur;
import dev.stoker.api.TransformSpec.Normalize;
import dev.stoker.api.TransformSpec.RandomResizedCrop;
import dev.stoker.api.TransformSpec.Rotate;
import dev.stoker.decode.ImageDecoders;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Measures the per-pixel costs of {@link AugmentationCosts} on this machine, as CPU time of this
 * thread (not wall time: the machine is shared), over the first {@code N} JPEGs under a directory,
 * and the two figures behind {@link AugmentationPlan}'s tolerance notes (how far a crop's mean gray
 * is from its image's, and how much of a rotate-then-crop output is fill). Prints one line per
 * figure and the {@code new AugmentationCosts(...)} to paste.
 *
 * <pre>
 * scripts/augmentation-costs.sh /work/photos-large/train [N]
 * </pre>
 */
public final class AugmentationCostHarness {
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
  private static final int REPEATS = 3;

  private AugmentationCostHarness() {}

  /**
   * Runs the harness.
   *
   * @param args a directory of JPEGs, and how many to use (default 12)
   * @throws IOException if the directory cannot be read
   */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 12;
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(p -> p.toString().toLowerCase().endsWith(".jpg")).sorted().limit(n).toList();
    }
    ImageDecoder decoder = ImageDecoders.best();
    double[] sums = new double[12];
    double pixels = 0;
    List<Double> shifts = new ArrayList<>();
    double fill = 0;
    int fillDraws = 0;
    ImageBuffer image = ImageBuffer.allocate(0);
    ImageBuffer scratch = ImageBuffer.allocate(0);
    Resampler resampler = new Resampler();
    GeometryRenderer renderer = new GeometryRenderer();
    LiteralOrderProcessor.HeldImage held = new LiteralOrderProcessor.HeldImage();
    PhotometricOps ops = new PhotometricOps();
    GaussianBlurOp blur = new GaussianBlurOp();
    ColorJitter jitter = new ColorJitter(0.4, 0.4, 0.4, 0.1);
    TransformPlan rotateThenCrop = TransformPlan.compile(List.of(new Rotate(-10, 10, 1.0, 0), new RandomResizedCrop(224)));
    for (Path file : files) {
      ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
      String name = file.toString();
      ImageHeader header = decoder.readHeader(bytes, name);
      int w = header.width();
      int h = header.height();
      double px = (double) w * h;
      Region all = new Region(0, 0, w, h);
      for (int rep = 0; rep < REPEATS; rep++) {
        long t0 = cpu();
        decoder.decode(bytes, new DecodeRequest(all, w, h, true), image, name);
        long t1 = cpu();
        decoder.decode(bytes, new DecodeRequest(all, Math.max(1, w / 8), Math.max(1, h / 8), true), scratch, name);
        long t2 = cpu();
        resampler.resample(image, 0, 0, w, h, 224, 224, false, false, scratch.reshape(224, 224, 3));
        long t3 = cpu();
        resampler.resample(image, 0, 0, w, h, w, h, false, false, scratch.reshape(w, h, 3));
        long t4 = cpu();
        MemorySegment.copy(image.pixels(), 0, scratch.reshape(w, h, 3), 0, (long) w * h * 3);
        long t5 = cpu();
        held.image = image;
        CropGeometry rotation = CropGeometry.identity(w, h).rotated(7, 0);
        renderer.render(held, ByteBuffer.allocate(0), name, header, rotation, scratch.reshape(w, h, 3), true);
        long t6 = cpu();
        byte[] heap = new byte[(int) Math.min(Integer.MAX_VALUE - 8, (long) w * h * 3)];
        int len = heap.length / 3 * 3;
        MemorySegment.copy(image.pixels(), ValueLayout.JAVA_BYTE, 0, heap, 0, len);
        long t7 = cpu();
        ops.colorJitter(jitter, new SplittableRandom(rep), heap, len);
        long t8 = cpu();
        PhotometricOps.grayscale(heap, len);
        long t9 = cpu();
        int bw = Math.min(w, 1024);
        int bh = Math.min(h, 1024);
        blur.apply(heap, bw, bh, new GaussianBlur(23), new SplittableRandom(rep));
        long t10 = cpu();
        new Normalizer(new Normalize(List.of(0.5, 0.5, 0.5), List.of(0.25, 0.25, 0.25))).convert(image.pixels(), 1 << 20,
            java.lang.foreign.Arena.ofAuto().allocate(4L * 3 << 20));
        long t11 = cpu();
        renderer.trim(0);
        if (file.equals(files.getFirst()) && rep == 0) {
          continue;   // the first round warms the JIT up: not counted
        }
        double[] d = {t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5, t8 - t7, t9 - t8, t10 - t9, t11 - t10};
        for (int k = 0; k < d.length; k++) {
          sums[k] += d[k];
        }
        pixels += px;
        sums[10] += (double) bw * bh;
        sums[11] += 1 << 20;
      }
      // tolerance figures: a crop's mean gray against its image's; the fill share of rotate-then-crop
      byte[] rgb = new byte[(int) Math.min(Integer.MAX_VALUE - 8, px * 3)];
      MemorySegment.copy(image.pixels(), ValueLayout.JAVA_BYTE, 0, rgb, 0, rgb.length);
      double whole = PhotometricOps.meanGray(rgb, rgb.length / 3 * 3);
      for (int seed = 0; seed < 16; seed++) {
        CropGeometry crop = TransformPlan.step(CropGeometry.identity(w, h), new RandomResizedCrop(224),
            new SplittableRandom(seed), null);
        Region r = GeometryRenderer.enclosing(crop.x(), crop.y(), crop.width(), crop.height(), w, h);
        byte[] part = new byte[r.width() * r.height() * 3];
        for (int y = 0; y < r.height(); y++) {
          System.arraycopy(rgb, ((r.y() + y) * w + r.x()) * 3, part, y * r.width() * 3, r.width() * 3);
        }
        shifts.add(Math.abs(PhotometricOps.meanGray(part, part.length) - whole));
        CropGeometry g = rotateThenCrop.geometry(w, h, new SplittableRandom(seed));
        Affine toSource = g.outputToSource();
        int outside = 0;
        for (int oy = 0; oy < 56; oy++) {
          for (int ox = 0; ox < 56; ox++) {
            double sx = toSource.x((ox + 0.5) * g.outWidth() / 56, (oy + 0.5) * g.outHeight() / 56);
            double sy = toSource.y((ox + 0.5) * g.outWidth() / 56, (oy + 0.5) * g.outHeight() / 56);
            if (sx < 0 || sy < 0 || sx >= w || sy >= h) {
              outside++;
            }
          }
        }
        fill += outside / (56.0 * 56);
        fillDraws++;
      }
      System.err.printf("%s %dx%d%n", file.getFileName(), w, h);
    }
    double full = sums[0] / pixels;
    double eighth = sums[1] / pixels;
    // full = e + i, eighth = e + i / 64
    double idct = (full - eighth) * 64 / 63;
    double entropy = full - idct;
    double small = 224.0 * 224;
    double images = files.size() * REPEATS - 1;
    double meanPx = pixels / images;
    double t1 = sums[2] / images;
    double t2 = sums[3] / images;
    double resampleOut = (t2 - t1) / (meanPx - small);
    double resampleIn = (t1 - resampleOut * small) / meanPx;
    double copy = sums[4] / pixels;
    double warp = sums[5] / pixels - copy;
    double colorJitter = sums[6] / pixels;
    double grayscale = sums[7] / pixels;
    double blurCost = sums[8] / sums[10];
    double normalize = sums[9] / sums[11];
    double[] sorted = shifts.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    System.out.printf("images %d (%.1f MP mean), repeats %d (the first round not counted), CPU time of one thread%n",
        files.size(), meanPx / 1e6, REPEATS);
    System.out.printf("decode full %.2f ns/px, at 1/8 %.2f ns/source px -> entropy %.2f, idct %.2f%n", full, eighth,
        entropy, idct);
    System.out.printf("resample in %.2f ns/px, out %.2f ns/px; copy %.3f; warp %.2f; colorJitter %.2f; grayscale %.2f; "
        + "blur(23) %.2f; normalize %.2f%n", resampleIn, resampleOut, copy, warp, colorJitter, grayscale, blurCost,
        normalize);
    System.out.printf("crop mean-gray shift: mean %.1f, p95 %.1f levels over %d crops; rotate(-10,10)+crop fill share "
        + "%.2f%%%n", Arrays.stream(sorted).average().orElse(0), sorted[(int) (sorted.length * 0.95)], sorted.length,
        100 * fill / fillDraws);
    System.out.printf("new AugmentationCosts(%.2f, %.2f, %.2f, %.2f, %.2f, %.2f, %.2f, %.2f, %.2f, %.2f, %.2f)%n",
        entropy, idct, resampleIn, resampleOut, warp, copy, colorJitter, grayscale, blurCost, colorJitter, normalize);
  }

  private static long cpu() {
    return CPU.getCurrentThreadCpuTime();
  }
}
