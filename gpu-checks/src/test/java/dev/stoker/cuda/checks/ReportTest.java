package dev.stoker.cuda.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {
  @Test
  void exitCode_nothingRan_isOne() {
    Report report = new Report(new HashMap<>());

    assertThat(report.exitCode()).isEqualTo(1);
    assertThat(report.summary()).isEqualTo("0 passed, 0 failed");
  }

  @Test
  void exitCode_allPassed_isZero() {
    Report report = new Report(new HashMap<>());
    report.add(new Report.Entry("a", true, 1, "ok", ""));

    assertThat(report.exitCode()).isZero();
    assertThat(report.summary()).isEqualTo("1 passed, 0 failed");
  }

  @Test
  void exitCode_oneFailed_isOneAndNamed() {
    Report report = new Report(new HashMap<>());
    report.add(new Report.Entry("a", true, 1, "ok", ""));
    report.add(new Report.Entry("b", false, 1, "bad", ""));

    assertThat(report.exitCode()).isEqualTo(1);
    assertThat(report.summary()).isEqualTo("1 passed, 1 failed: b");
  }

  @Test
  void json_numbersNotMeasured_presentAsNull() {
    Map<String, Object> json = new Report(Map.of("h2d_gb_s_feed", 3.5)).json(1);

    assertThat(json).containsEntry("h2d_gb_s_feed", 3.5).containsEntry("h2d_gb_s_plain", null)
        .containsEntry("consumer_wait_pct", null).containsEntry("exit_code", 1);
  }
}
