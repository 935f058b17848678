package dev.stoker.cuda.checks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The ordering the overlap check asserts on any device, against hand-made timelines. */
class TimelineOrderTest {
  /** copy start, copy end, compute start, compute end (ms): copies overlap the previous compute. */
  private static double[][] pipelined() {
    return new double[][] {
        {0, 1, 1, 6}, {1, 2, 6, 11}, {6, 7, 11, 16}, {11, 12, 16, 21}, {16, 17, 21, 26}};
  }

  @Test
  void orderProblem_pipelinedTimeline_none() {
    assertThat(FeedChecks.orderProblem(pipelined())).isNull();
  }

  @Test
  void orderProblem_computeBeforeItsCopy_named() {
    double[][] t = pipelined();
    t[3][2] = 10.5; // batch 3 computes before its copy started at 11

    assertThat(FeedChecks.orderProblem(t)).contains("batch 3 computed at 10.500 ms, before its copy started");
  }

  @Test
  void orderProblem_copyIntoABufferStillComputing_named() {
    double[][] t = pipelined();
    t[2][0] = 5; // batch 2 reuses batch 0's buffer, whose step ends at 6
    t[2][1] = 5.5;

    assertThat(FeedChecks.orderProblem(t)).contains("batch 2's copy started at 5.000 ms, before batch 0's step");
  }

  @Test
  void orderProblem_spanEndingBeforeItStarts_named() {
    double[][] t = pipelined();
    t[1][1] = 0.5;

    assertThat(FeedChecks.orderProblem(t)).contains("batch 1: a span ends before it starts");
  }
}
