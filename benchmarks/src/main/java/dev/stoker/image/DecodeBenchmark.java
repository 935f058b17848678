package dev.stoker.image;

import dev.stoker.decode.ImageDecoders;
import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.Region;
import dev.stoker.api.TransformSpec;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decode and resize costs per image on one thread: full decode, region decode (the central half),
 * scaled decode (1/2 and 1/4), the resampler alone, and the whole fused sample.
 *
 * <pre>
 * ./mvnw -B -q -DskipTests package -pl benchmarks -am
 * java --enable-native-access=ALL-UNNAMED -cp 'benchmarks/target/benchmarks-0.1.0-SNAPSHOT.jar:benchmarks/target/lib/*' \
 *     org.openjdk.jmh.Main DecodeBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class DecodeBenchmark {
  @Param({"libjpeg-turbo", "imageio"})
  public String decoderName;

  @Param({"500x375"})
  public String size;

  private ImageDecoder decoder;
  private ByteBuffer jpeg;
  private ImageHeader header;
  private final ImageBuffer buffer = ImageBuffer.allocate(1 << 20);
  private final ImageBuffer decoded = ImageBuffer.allocate(1 << 20);
  private final Resampler resampler = new Resampler();
  private SampleProcessor processor;
  private MemorySegment out;
  private long sample;

  @Setup
  public void setUp() throws IOException {
    decoder = decoderName.equals("imageio") ? ImageDecoders.imageIo() : ImageDecoders.nativeDecoder();
    String[] wh = size.split("x");
    BufferedImage image = new BufferedImage(Integer.parseInt(wh[0]), Integer.parseInt(wh[1]), BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.setPaint(new GradientPaint(0, 0, Color.ORANGE, image.getWidth(), image.getHeight(), Color.BLUE));
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 300; i++) {
      g.setColor(new Color(random.nextInt(0xFFFFFF)));
      g.fillOval(random.nextInt(image.getWidth()), random.nextInt(image.getHeight()), 5 + random.nextInt(60), 5 + random.nextInt(60));
    }
    g.dispose();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(image, "jpeg", bytes);
    jpeg = ByteBuffer.wrap(bytes.toByteArray());
    header = decoder.readHeader(jpeg, "bench.jpg");
    processor = new SampleProcessor(decoder,
        TransformPlan.compile(List.of(new TransformSpec.RandomResizedCrop(224), new TransformSpec.HorizontalFlip(0.5))));
    out = Arena.ofAuto().allocate(processor.sampleBytes());
    decoder.decode(jpeg, DecodeRequest.full(header), decoded, "bench.jpg");
  }

  @Benchmark
  public int decodeFull() {
    decoder.decode(jpeg, DecodeRequest.full(header), buffer, "bench.jpg");
    return buffer.width();
  }

  @Benchmark
  public int decodeCentralHalf() {
    Region r = new Region(header.width() / 4, header.height() / 4, header.width() / 2, header.height() / 2);
    decoder.decode(jpeg, new DecodeRequest(r, r.width(), r.height()), buffer, "bench.jpg");
    return buffer.width();
  }

  @Benchmark
  public int decodeScaledHalf() {
    decoder.decode(jpeg, new DecodeRequest(Region.full(header.width(), header.height()),
        header.width() / 2, header.height() / 2), buffer, "bench.jpg");
    return buffer.width();
  }

  @Benchmark
  public int decodeScaledQuarter() {
    decoder.decode(jpeg, new DecodeRequest(Region.full(header.width(), header.height()),
        header.width() / 4, header.height() / 4), buffer, "bench.jpg");
    return buffer.width();
  }

  /** The resampler alone: the decoded image, shrunk to 224x224. */
  @Benchmark
  public MemorySegment resampleFullTo224() {
    resampler.resample(decoded, 0, 0, decoded.width(), decoded.height(), 224, 224, false, out);
    return out;
  }

  /** The resampler alone: a 300x300 crop of the decoded image, shrunk to 224x224 and mirrored. */
  @Benchmark
  public MemorySegment resampleCropTo224() {
    resampler.resample(decoded, 50.5, 30.25, 300, 300, 224, 224, true, out);
    return out;
  }

  @Benchmark
  public MemorySegment resizeFullTo224() {
    decoder.decode(jpeg, DecodeRequest.full(header), buffer, "bench.jpg");
    resampler.resample(buffer, 0, 0, buffer.width(), buffer.height(), 224, 224, false, out);
    return out;
  }

  @Benchmark
  public MemorySegment sampleRandomResizedCropFlip() {
    processor.process(jpeg, "bench.jpg", new SplittableRandom(sample++), out);
    return out;
  }
}
