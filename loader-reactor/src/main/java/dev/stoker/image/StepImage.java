package dev.stoker.image;

import dev.stoker.api.SampleImage;
import dev.stoker.api.SampleStep;
import dev.stoker.api.internal.Checks;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The {@link SampleImage} a {@link SampleStep} receives: a view of one sample's output pixels and
 * its {@link BoxSet}, opened for one call and closed after it. Box reads and writes after the
 * call throw {@link IllegalStateException}; the pixel segment is the sample's own memory, so a
 * step must not keep it either. A {@link SampleStep.Kind#PHOTOMETRIC} step's {@link #setBox}
 * throws {@link IllegalStateException} naming the step.
 *
 * <p>Not thread-safe: one per worker thread, reused for every call.
 *
 * <pre>{@code
 * view.open(step, pixels, width, height, boxes);
 * try { step.apply(view, random); } finally { view.close(); }
 * }</pre>
 */
final class StepImage implements SampleImage {
  private SampleStep step;
  private boolean geometric;
  private MemorySegment pixels;
  private int width;
  private int height;
  private BoxSet boxes;

  /** Opens the view for one call of {@code step} on {@code pixels} ({@code width * height * 3} bytes). */
  void open(SampleStep step, boolean geometric, MemorySegment pixels, int width, int height, BoxSet boxes) {
    this.step = step;
    this.geometric = geometric;
    this.pixels = pixels;
    this.width = width;
    this.height = height;
    this.boxes = boxes;
  }

  /** Closes the view: every later call throws. */
  void close() {
    step = null;
    pixels = null;
    boxes = null;
  }

  private void checkOpen() {
    if (step == null) {
      throw new IllegalStateException("this SampleImage was valid only during its step's apply call");
    }
  }

  @Override
  public int width() {
    checkOpen();
    return width;
  }

  @Override
  public int height() {
    checkOpen();
    return height;
  }

  @Override
  public int channels() {
    return 3;
  }

  @Override
  public MemorySegment pixels() {
    checkOpen();
    return pixels;
  }

  @Override
  public int boxCount() {
    checkOpen();
    return boxes == null ? 0 : boxes.count();
  }

  @Override
  public void box(int box, float[] xyxy) {
    checkOpen();
    Objects.checkIndex(box, boxCount());
    Checks.notNull(xyxy, "xyxy");
    Checks.argument(xyxy.length >= 4, "xyxy", "must hold 4 floats, got " + xyxy.length);
    xyxy[0] = (float) boxes.x0(box);
    xyxy[1] = (float) boxes.y0(box);
    xyxy[2] = (float) boxes.x1(box);
    xyxy[3] = (float) boxes.y1(box);
  }

  @Override
  public void setBox(int box, float x0, float y0, float x1, float y1) {
    checkOpen();
    if (!geometric) {
      throw new IllegalStateException("setBox: step '" + OutputSteps.nameOf(step)
          + "' is PHOTOMETRIC and may only read boxes; a step that moves pixels declares Kind.GEOMETRIC");
    }
    Objects.checkIndex(box, boxCount());
    Checks.argument(Float.isFinite(x0) && Float.isFinite(y0) && Float.isFinite(x1) && Float.isFinite(y1), "box",
        "corners must be finite, got [" + x0 + ", " + y0 + ", " + x1 + ", " + y1 + "]");
    Checks.argument(x0 <= x1, "x1", "must be at least x0 = " + x0 + ", got " + x1);
    Checks.argument(y0 <= y1, "y1", "must be at least y0 = " + y0 + ", got " + y1);
    boxes.set(box, x0, y0, x1, y1);
  }
}
