package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code bench --filter-labels/--split/--split-part/--subset/--mix/--per-epoch}: the combined dataset
 * has exactly the samples asked for, and a combination that makes no sense is refused with exit
 * status 2 naming the option.
 */
class SourceCombineOptionsTest {
  @RegisterExtension
  static final CliDataset dataset = CliDataset.demo(5);   // 6 classes x 5 images

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  private int bench(boolean withDir, String... extra) {
    List<String> args = new ArrayList<>(List.of("bench"));
    if (withDir) {
      args.add(dataset.dir().toString());
    }
    args.addAll(List.of("--threads", "2", "--size", "16", "--batch", "4", "--epochs", "1", "--seed", "3", "--json"));
    args.addAll(List.of(extra));
    console.resetOut();
    return StokerCli.run(args.toArray(String[]::new));
  }

  /** The images one timed epoch delivered. */
  private long images(boolean withDir, String... extra) {
    assertThat(bench(withDir, extra)).as(console.err()).isZero();
    return console.lastJson().get("images").asLong();
  }

  @Test
  void bench_combinators_deliverExactlyTheSamplesAskedFor() {
    // Negative control: without a combinator, every image.
    assertThat(images(true)).isEqualTo(30);
    assertThat(images(true, "--filter-labels", "red-disc,cyan-triangle")).isEqualTo(10);
    assertThat(images(true, "--split", "train:0.8,val:0.2", "--split-part", "val")).isEqualTo(6);   // 1 per class
    assertThat(images(true, "--split", "train:0.8,val:0.2", "--split-part", "train")).isEqualTo(24);
    assertThat(images(true, "--subset", "7")).isEqualTo(7);
    assertThat(images(true, "--filter-labels", "red-disc", "--split", "a:0.6,b:0.4", "--split-part", "a",
        "--subset", "2")).isEqualTo(2);
    String dir = dataset.dir().toString();
    assertThat(images(false, "--mix", dir + ":1," + dir + "/../" + dataset.dir().getFileName() + ":3",
        "--per-epoch", "20")).isEqualTo(20);
    assertThat(console.err()).contains("mix 5:15 of 20 samples per epoch without replacement");
    assertThat(images(false, "--mix", dir + ":2", "--filter-labels", "red-disc", "--with-replacement",
        "--per-epoch", "9")).isEqualTo(9);
  }

  @Test
  void bench_splitSeed_anotherMovesSamplesTheDefaultIsZero() {
    assertThat(bench(true, "--split", "train:0.5,val:0.5", "--split-part", "val")).isZero();
    String val = console.lastJson().get("digest").asText();
    assertThat(bench(true, "--split", "train:0.5,val:0.5", "--split-part", "val", "--split-seed", "1")).isZero();
    assertThat(console.lastJson().get("digest").asText()).isNotEqualTo(val);
    assertThat(bench(true, "--split", "train:0.5,val:0.5", "--split-part", "val", "--split-seed", "0")).isZero();
    assertThat(console.lastJson().get("digest").asText()).as("the default split seed is 0").isEqualTo(val);
  }

  @Test
  void bench_badCombinations_exit2NamingTheOption() {
    String dir = dataset.dir().toString();
    record Case(boolean withDir, List<String> args, String message) {}
    for (Case c : List.of(
        new Case(true, List.of("--filter-labels", "blue-stripes,no-such"), "--filter-labels: " + dir + " has no class \"no-such\""),
        new Case(true, List.of("--split", "train:0.9,val:0.1"), "--split and --split-part go together"),
        new Case(true, List.of("--split", "train:0.9,val:0.1", "--split-part", "test"), "--split-part test: not a part"),
        new Case(true, List.of("--split", "train:0.9,val:0.2", "--split-part", "val"), "--split train:0.9,val:0.2: "),
        new Case(true, List.of("--split", "train=0.9", "--split-part", "val"), "is not NAME:FRACTION"),
        new Case(true, List.of("--subset", "31"), "--subset 31: " + dir + " has only 30 samples"),
        new Case(true, List.of("--subset", "0"), "--subset: must be at least 1"),
        new Case(true, List.of("--mix", dir + ":1"), "give either DIR (or --annotations/--images) or --mix"),
        new Case(true, List.of("--per-epoch", "5"), "--per-epoch and --with-replacement go with --mix"),
        new Case(false, List.of("--mix", dir + ":x"), "--mix: \"" + dir + ":x\": \"x\" is not a number"),
        new Case(false, List.of("--mix", dir + ":0"), "must be positive and finite"),
        new Case(false, List.of("--mix", dir + ":1", "--filter-labels", "nope"), "no dataset of --mix has a class"),
        new Case(false, List.of("--remote", "127.0.0.1:1", "--subset", "3"), "with --remote the nodes read the files"))) {
      int status = bench(c.withDir(), c.args().toArray(String[]::new));
      assertThat(status).as("%s: %s", c.args(), console.err()).isEqualTo(2);
      assertThat(console.err()).as("%s", c.args()).contains(c.message());
    }
  }
}
