package dev.stoker.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TarScannerTest {
  @Test
  void number_octalAndBase256_parsed() {
    byte[] h = new byte[512];
    TarFixtures.put(h, 124, "  0001750 \0");
    assertThat(TarScanner.number(h, 124, 12, "s", 0, "size")).isEqualTo(1000);
    h[124] = (byte) 0x80;
    for (int i = 125; i < 136; i++) {
      h[i] = 0;
    }
    h[134] = 0x01;
    h[135] = 0x02;
    assertThat(TarScanner.number(h, 124, 12, "s", 0, "size")).isEqualTo(0x0102);
  }

  @Test
  void number_base256OverTwoToThe62_refused() {
    byte[] h = new byte[512];
    h[124] = (byte) 0x80;
    h[126] = 0x7f;
    assertThatThrownBy(() -> TarScanner.number(h, 124, 12, "shard.tar", 512, "size"))
        .isInstanceOf(PackFormatException.class).hasMessageContaining("shard.tar: header at byte 512")
        .hasMessageContaining("absurdly large");
  }

  @Test
  void checkName_hostileNames_refusedAndDotSlashStripped() {
    assertThat(TarScanner.checkName("./a/b.jpg", "s", 0)).isEqualTo("a/b.jpg");
    assertThat(TarScanner.checkName("./", "s", 0)).isNull();
    assertThatThrownBy(() -> TarScanner.checkName("a\0b.jpg", "s", 0)).hasMessageContaining("NUL");
    assertThatThrownBy(() -> TarScanner.checkName("a/../../b.jpg", "s", 0)).hasMessageContaining("'..'");
    assertThatThrownBy(() -> TarScanner.checkName("x".repeat(5000), "s", 0)).hasMessageContaining("over 4096");
  }

  @Test
  void pax_recordsParsedAndMalformedRefused() {
    byte[] ok = "18 path=a/b/c.jpg\n12 size=100\n".getBytes(StandardCharsets.UTF_8);
    TarScanner.Pax pax = TarScanner.Pax.parse(ok, "s", 0);
    assertThat(pax.path()).isEqualTo("a/b/c.jpg");
    assertThat(pax.size()).isEqualTo(100);
    assertThatThrownBy(() -> TarScanner.Pax.parse("99 path=x\n".getBytes(StandardCharsets.UTF_8), "s", 0))
        .hasMessageContaining("length is wrong");
    assertThatThrownBy(() -> TarScanner.Pax.parse("x path=x\n".getBytes(StandardCharsets.UTF_8), "s", 0))
        .hasMessageContaining("malformed");
    assertThatThrownBy(() -> TarScanner.Pax.parse("13 size=-100\n".getBytes(StandardCharsets.UTF_8), "s", 0))
        .hasMessageContaining("PAX size");
  }
}
