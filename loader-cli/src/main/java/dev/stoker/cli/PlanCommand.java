package dev.stoker.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stoker.api.TransformSpec;
import dev.stoker.image.AugmentationCosts;
import dev.stoker.image.AugmentationPlan;
import dev.stoker.image.TransformPlan;
import dev.stoker.pipeline.TransformSpecs;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stoker plan --transforms SPEC [--image WxH] [--json]}: the augmentation order made
 * visible (issue 19). For the steps in the order written it prints what a naive pipeline does per
 * step (decode the whole image, then each step at the resolution it receives: what {@code bench
 * --literal-order} runs) and what Stoker executes (geometry folded into one map, the region it
 * shows decoded at a DCT scale, colour on the output), each row with its pixels and estimated
 * cost ({@link AugmentationCosts#MEASURED}), the ratio, and for every step Stoker runs elsewhere
 * than written whether that changes its result. Reads no file; the JSON keys are in the README.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
    description = "Shows what a transform SPEC costs in the order written (decode the whole image, each step at the "
        + "resolution it receives) and as Stoker executes it (geometry folded, region decoded at a DCT scale, "
        + "colour on the output), with estimated costs per step and their ratio. Reads no dataset.")
final class PlanCommand implements Callable<Integer> {
  /** The default --image: a 12 MP photograph, what a phone or camera of the last years writes. */
  static final String DEFAULT_IMAGE = "4000x3000";
  private static final Pattern SIZE = Pattern.compile("([1-9][0-9]{0,5})[xX]([1-9][0-9]{0,5})");

  @Option(names = "--transforms", paramLabel = "SPEC", required = true,
      description = "the steps in the order written, as bench's --transforms (a preset may be named, e.g. "
          + "'imagenet-train(224)')")
  String transforms;

  @Option(names = "--image", paramLabel = "WxH", description = "the source image's size (default: "
      + DEFAULT_IMAGE + ", a 12 MP photograph)")
  String image = DEFAULT_IMAGE;

  @Option(names = "--json", description = "print the plan as one JSON object on the last line")
  boolean json;

  @Override
  public Integer call() {
    Matcher m = SIZE.matcher(image.strip());
    if (!m.matches()) {
      throw new UsageException("--image: expected WxH with each side 1 to 999999 pixels, e.g. 4000x3000, got '"
          + image + "'");
    }
    int width = Integer.parseInt(m.group(1));
    int height = Integer.parseInt(m.group(2));
    List<TransformSpec> specs;
    TransformPlan plan;
    try {
      specs = TransformSpecs.parseRecipe(transforms).transforms();
      plan = TransformPlan.compile(specs);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--transforms: " + String.valueOf(e.getMessage()).replaceFirst("^specs:? ", ""), e);
    }
    AugmentationPlan estimate = AugmentationPlan.estimate(plan, width, height, AugmentationCosts.MEASURED);
    if (json) {
      System.out.println(toJson(estimate, specs));
    } else {
      print(estimate, specs, System.out);
    }
    return 0;
  }

  private static String name(List<TransformSpec> specs, int i) {
    return TransformSpecs.format(List.of(specs.get(i)));
  }

  private static String label(List<TransformSpec> specs, AugmentationPlan.Row row) {
    if (row.steps().isEmpty()) {
      return "decode";
    }
    if (row.steps().size() == 1) {
      int i = row.steps().getFirst();
      return (i + 1) + " " + specs.get(i).getClass().getSimpleName();
    }
    StringBuilder b = new StringBuilder();
    for (int i : row.steps()) {
      b.append(b.isEmpty() ? "" : "+").append(i + 1);
    }
    return b.toString();
  }

  static void print(AugmentationPlan p, List<TransformSpec> specs, PrintStream out) {
    out.printf("plan: %s on a %dx%d image (%.1f MP); means of %d draws of the random steps%n",
        TransformSpecs.format(specs), p.imageWidth(), p.imageHeight(),
        (double) p.imageWidth() * p.imageHeight() / 1e6, AugmentationPlan.DRAWS);
    for (int i = 0; i < specs.size(); i++) {
      out.printf("  step %d: %s%n", i + 1, name(specs, i));
    }
    out.println();
    out.println("as written (a naive pipeline: decode the whole image, each step at the resolution it receives):");
    table(p.naive(), specs, out);
    out.println();
    out.println(p.writtenOrderKept()
        ? "as Stoker executes it: in the order written, since a step is kept in place (below):"
        : "as Stoker executes it (geometry folded into one map, region decoded at a DCT scale, colour on the "
            + "output):");
    table(p.stoker(), specs, out);
    out.println();
    out.printf(Locale.ROOT, "estimated: %.1f ms as written, %.2f ms as Stoker runs it: %.1fx%n", p.naiveNanos() / 1e6,
        p.stokerNanos() / 1e6, p.ratio());
    out.println("(costs: CPU ns per pixel of each kind of work, measured once on a 2-vCPU machine with JDK 25 by "
        + "scripts/augmentation-costs.sh; estimates, measure with bench --literal-order)");
    if (!p.notes().isEmpty()) {
      out.println();
      out.println("steps Stoker would run elsewhere than written:");
      for (AugmentationPlan.Note n : p.notes()) {
        out.printf("  step %d %s: %s: %s%n", n.step() + 1, specs.get(n.step()).getClass().getSimpleName(),
            n.verdict() == AugmentationPlan.Verdict.DIFFERS ? "differs, kept in place" : verdict(n.verdict()),
            n.reason());
      }
    }
  }

  private static void table(List<AugmentationPlan.Row> rows, List<TransformSpec> specs, PrintStream out) {
    out.printf("  %-22s %-52s %11s %11s %10s%n", "step", "what", "in", "out", "est. ms");
    for (AugmentationPlan.Row r : rows) {
      out.printf(Locale.ROOT, "  %-22s %-52s %11s %11s %10.2f%n", clip(label(specs, r), 22), clip(r.action(), 52),
          size(r.inWidth(), r.inHeight()), size(r.outWidth(), r.outHeight()), r.nanos() / 1e6);
    }
    out.printf(Locale.ROOT, "  %-22s %-52s %11s %11s %10.2f%n", "total", "", "", "",
        rows.stream().mapToDouble(AugmentationPlan.Row::nanos).sum() / 1e6);
  }

  private static String clip(String s, int width) {
    return s.length() <= width ? s : s.substring(0, width - 1) + "…";
  }

  private static String size(double w, double h) {
    return Math.round(w) + "x" + Math.round(h);
  }

  static String verdict(AugmentationPlan.Verdict v) {
    return v.name().toLowerCase(Locale.ROOT);
  }

  static String toJson(AugmentationPlan p, List<TransformSpec> specs) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode o = mapper.createObjectNode();
    o.put("transforms", TransformSpecs.format(specs));
    o.put("image_width", p.imageWidth());
    o.put("image_height", p.imageHeight());
    o.put("draws", AugmentationPlan.DRAWS);
    o.set("naive", rows(mapper, p.naive(), specs));
    o.set("stoker", rows(mapper, p.stoker(), specs));
    o.put("naive_ms", round(p.naiveNanos() / 1e6));
    o.put("stoker_ms", round(p.stokerNanos() / 1e6));
    o.put("ratio", round(p.ratio()));
    o.put("written_order_kept", p.writtenOrderKept());
    ArrayNode notes = o.putArray("notes");
    for (AugmentationPlan.Note n : p.notes()) {
      ObjectNode j = notes.addObject();
      j.put("step", n.step() + 1);
      j.put("name", name(specs, n.step()));
      j.put("verdict", verdict(n.verdict()));
      j.put("reason", n.reason());
    }
    AugmentationCosts c = AugmentationCosts.MEASURED;
    ObjectNode costs = o.putObject("costs_ns_per_pixel");
    costs.put("entropy", c.entropy());
    costs.put("idct", c.idct());
    costs.put("resample_in", c.resampleIn());
    costs.put("resample_out", c.resampleOut());
    costs.put("warp", c.warp());
    costs.put("copy", c.copy());
    costs.put("color_jitter", c.colorJitter());
    costs.put("grayscale", c.grayscale());
    costs.put("blur", c.blur());
    costs.put("other", c.other());
    costs.put("normalize", c.normalize());
    return o.toString();
  }

  private static ArrayNode rows(ObjectMapper mapper, List<AugmentationPlan.Row> rows, List<TransformSpec> specs) {
    ArrayNode array = mapper.createArrayNode();
    for (AugmentationPlan.Row r : rows) {
      ObjectNode j = array.addObject();
      ArrayNode steps = j.putArray("steps");
      r.steps().forEach(i -> steps.add(i + 1));
      ArrayNode names = j.putArray("names");
      r.steps().forEach(i -> names.add(name(specs, i)));
      j.put("action", r.action());
      j.put("in_width", Math.round(r.inWidth()));
      j.put("in_height", Math.round(r.inHeight()));
      j.put("out_width", Math.round(r.outWidth()));
      j.put("out_height", Math.round(r.outHeight()));
      j.put("pixels_in", Math.round(r.pixelsIn()));
      j.put("pixels_out", Math.round(r.pixelsOut()));
      j.put("ms", round(r.nanos() / 1e6));
    }
    return array;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
