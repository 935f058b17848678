package dev.stoker.image;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.TransformSpec.ColorJitter;
import dev.stoker.api.TransformSpec.Grayscale;
import dev.stoker.api.TransformSpec.VerticalFlip;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** The argument checks of the flip, jitter and grayscale specs name the bad parameter. */
class TransformSpecChecksTest {

  @Test
  void constructors_outOfRangeArguments_failNamingTheParameter() {
    Map<String, ThrowingCallable> bad = Map.of(
        "p", () -> new VerticalFlip(1.5),
        "brightness", () -> new ColorJitter(-0.1, 0, 0, 0),
        "contrast", () -> new ColorJitter(0, Double.NaN, 0, 0),
        "saturation", () -> new ColorJitter(0, 0, Double.POSITIVE_INFINITY, 0),
        "hue", () -> new ColorJitter(0, 0, 0, 0.6));
    bad.forEach((name, call) -> assertThatThrownBy(call)
        .as(name)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(name + " "));
    assertThatThrownBy(() -> new Grayscale(-0.01)).hasMessageStartingWith("p ");
    assertThatThrownBy(() -> new ColorJitter(0, 0, 0, -0.1)).hasMessageStartingWith("hue ");
  }

  @Test
  void constructors_boundaryArguments_areAccepted() {
    assertThatCode(() -> {
      new VerticalFlip(0);
      new VerticalFlip(1);
      new Grayscale(0);
      new Grayscale(1);
      new ColorJitter(0, 0, 0, 0);
      new ColorJitter(5, 5, 5, 0.5);
    }).doesNotThrowAnyException();
  }
}
