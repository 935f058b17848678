package dev.stoker.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import org.junit.jupiter.api.Test;

class ContentRangeTest {
  @Test
  void parse_validHeaders_giveTheirNumbers() {
    assertThat(ContentRange.parse("bytes 0-99/1000")).contains(new ContentRange(0, 99, 1000));
    assertThat(ContentRange.parse("bytes 5-5/*")).contains(new ContentRange(5, 5, -1));
    assertThat(ContentRange.parse("bytes */42")).contains(new ContentRange(-1, -1, 42));
  }

  @Test
  void parse_malformedHeaders_areEmpty() {
    for (String header : new String[] {null, "", "bytes", "bytes 9-1/10", "bytes 0-10/10", "items 0-1/2", "bytes -1-2/3",
        "bytes 0-1", "bytes */*", "bytes 0-99999999999999999999/1", "bytes 1-2/x"}) {
      assertThat(ContentRange.parse(header)).as(String.valueOf(header)).isEmpty();
    }
  }

  @Test
  void verify_answers_acceptOnlyTheAskedRange() {
    assertThat(ContentRange.verify("bytes 10-19/100", 10, 10, 10, "s: k")).isNull();
    assertThat(ContentRange.verify("bytes 10-19/100", -1, 10, 10, "s: k")).isNull();
    assertThat(ContentRange.verify("bytes 10-19/100", 11, 10, 10, "s: k")).hasMessageContaining("refused an answer of 11");
    assertThat(ContentRange.verify("bytes 11-20/100", -1, 10, 10, "s: k")).hasMessageContaining("holding bytes 11-20");
    assertThat(ContentRange.verify("bytes 90-99/100", -1, 90, 20, "s: k")).isInstanceOf(EOFException.class)
        .hasMessage("s: k: ends at byte 100, before 110");
    assertThat(ContentRange.verify("garbage <script>", -1, 0, 1, "s: k")).hasMessageNotContaining("script");
  }
}
