package dev.stoker.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stoker.api.BatchTransformSpec;
import dev.stoker.api.TransformSpec;
import dev.stoker.api.internal.Checks;
import dev.stoker.image.TransformSpecJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Transform lists as text: a SPEC, the compact form the command line's {@code --transforms}
 * takes, and a JSON list, the form of a transforms file and of the plan sent to data-server nodes.
 *
 * <pre>{@code
 * List<TransformSpec> specs = TransformSpecs.parse("RandomResizedCrop(224), HorizontalFlip, RandAugment(n=2, m=9)");
 * String canonical = TransformSpecs.format(specs);   // RandomResizedCrop(224), HorizontalFlip, RandAugment
 * }</pre>
 *
 * <p>A SPEC is steps separated by commas. A step is a record name of {@link TransformSpec}
 * (case-sensitive) with optional arguments in parentheses: by position in the record's order,
 * then by name ({@code name=value}, the record component's name or a short alias). A value is a
 * number ({@code 224}, {@code 0.5}, {@code -10}, {@code 1e-3}, or a fraction {@code 3/4}), or a
 * list of numbers in brackets ({@code minIoUs=[0.5, 0.7]}); whole-number parameters take whole
 * numbers only. A parameter left out takes its default; {@link #signatures()} lists each step's
 * parameters, aliases and defaults, e.g. {@code HorizontalFlip(p=0.5)} (torchvision's) or
 * {@code RandomResizedCrop(width, height=width, ...)} (a square unless {@code height} is given).
 * {@code Normalize(imagenet)} is {@link TransformSpec.Normalize#imagenet()}. A preset name from
 * {@link Presets#NAMES} is also a step, expanded in place: {@code imagenet-train(160)} (the size;
 * 224 when left out), {@code ssd300-train}, {@code ssd300-train-full}. {@link TransformSpec.Custom} has no SPEC: it is Java
 * code. Errors are {@link TransformSpecSyntaxException}s pointing at the token; a record's own
 * refusal ({@code p must be in [0.0, 1.0], got 1.5}) points at the argument it names.
 *
 * <p>{@link #format} writes the canonical SPEC: no presets, the required parameters by position,
 * the others by name only where they differ from their defaults; {@code parse(format(specs))}
 * equals {@code specs}.
 *
 * <p>Input is bounded before it is worked on: a SPEC of at most {@value #MAX_SPEC_CHARS}
 * characters and {@value #MAX_STEPS} steps, lists of at most {@value #MAX_LIST_VALUES} values, a
 * JSON document of at most {@value #MAX_JSON_BYTES} bytes.
 */
public final class TransformSpecs {
  /** The longest SPEC read, in characters. */
  public static final int MAX_SPEC_CHARS = 4096;
  /** The most steps a SPEC or JSON list may hold, presets expanded. */
  public static final int MAX_STEPS = 64;
  /** The most values in one list argument ({@code minIoUs}, {@code mean}, {@code std}). */
  public static final int MAX_LIST_VALUES = 64;
  /** The largest JSON transforms document read, in bytes (or characters, for a string). */
  public static final int MAX_JSON_BYTES = 64 << 10;

  private static final ObjectMapper MAPPER = TransformSpecJson.configure(new ObjectMapper());
  private static final TypeReference<List<TransformSpec>> LIST = new TypeReference<>() {};
  /** The parts of Jackson's messages that speak of its settings and classes rather than of the file. */
  private static final String JACKSON_ADVICE = "; `DeserializationFeature\\.\\w+` enabled| \\(but [^)]*`CoercionConfig`"
      + "[^)]*\\)| \\(index \\d+\\)| \\(class [^)]*\\), not marked as ignorable";

  private TransformSpecs() {}

  /**
   * The steps a SPEC names, presets expanded.
   *
   * @param spec the SPEC, e.g. {@code "RandomResizedCrop(224), HorizontalFlip"}; not null
   * @return the steps, an unmodifiable list, at least one
   * @throws TransformSpecSyntaxException naming the problem, its column and the token
   */
  public static List<TransformSpec> parse(String spec) {
    return SpecParser.parse(bounded(spec));
  }

  /**
   * A training recipe as a SPEC writes it: the per-sample steps, then the batch steps ({@code
   * MixUp}, {@code CutMix}) that mix whole batches.
   *
   * <pre>{@code
   * Recipe r = TransformSpecs.parseRecipe("RandomResizedCrop(224), HorizontalFlip, RandAugment(n=2, m=9), MixUp(0.2)");
   * Loader.builder().transforms(r.transforms()).batchTransforms(r.batchTransforms());
   * }</pre>
   *
   * @param transforms the per-sample steps, at least one
   * @param batchTransforms the batch steps, in order; empty for none
   */
  public record Recipe(List<TransformSpec> transforms, List<BatchTransformSpec> batchTransforms) {
    /** Validates and copies the lists. */
    public Recipe {
      Checks.notNull(transforms, "transforms");
      Checks.notNull(batchTransforms, "batchTransforms");
      Checks.argument(!transforms.isEmpty(), "transforms", "must hold at least one step");
      transforms = List.copyOf(transforms);
      batchTransforms = List.copyOf(batchTransforms);
    }
  }

  /**
   * The per-sample and batch steps a SPEC names: as {@link #parse}, and the batch steps {@code
   * MixUp(alpha=1.0, p=1.0)} and {@code CutMix(alpha=1.0, p=1.0)} after every per-sample step.
   *
   * @param spec the SPEC, e.g. {@code "imagenet-train, RandAugment(n=2, m=9), MixUp(0.2)"}; not null
   * @return the recipe
   * @throws TransformSpecSyntaxException naming the problem, its column and the token
   */
  public static Recipe parseRecipe(String spec) {
    return SpecParser.parseRecipe(bounded(spec));
  }

  /**
   * The canonical SPEC of a recipe: {@code parseRecipe(format(recipe)).equals(recipe)}.
   *
   * @param recipe the recipe, not null; its batch steps must have a SPEC (not {@code Custom})
   * @return e.g. {@code RandomResizedCrop(224), HorizontalFlip, MixUp(alpha=0.2)}
   * @throws IllegalArgumentException for a {@code Custom} step of either kind
   */
  public static String format(Recipe recipe) {
    Checks.notNull(recipe, "recipe");
    List<String> steps = new ArrayList<>();
    steps.add(format(recipe.transforms()));
    for (int i = 0; i < recipe.batchTransforms().size(); i++) {
      BatchTransformSpec b = recipe.batchTransforms().get(i);
      StepSyntax syntax = StepSyntax.BATCH_STEPS.get(b.getClass().getSimpleName());
      if (syntax == null) {
        throw new IllegalArgumentException("batchTransforms[" + i + "] (" + b.getClass().getSimpleName()
            + "): a user-defined batch step has no SPEC; it runs only in this JVM");
      }
      steps.add(syntax.format((Record) b));
    }
    return String.join(", ", steps);
  }

  /**
   * The canonical SPEC of {@code specs}: {@code parse(format(specs)).equals(specs)}.
   *
   * @param specs the steps, not null, none null
   * @return e.g. {@code RandomResizedCrop(224), HorizontalFlip}; empty for an empty list
   * @throws IllegalArgumentException for a {@link TransformSpec.Custom} step, which has no SPEC, or
   *     a value a SPEC cannot hold (a {@code Normalize} mean that is not finite)
   */
  public static String format(List<? extends TransformSpec> specs) {
    Checks.notNull(specs, "specs");
    List<String> steps = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      steps.add(syntax(specs.get(i), i).format((Record) specs.get(i)));
    }
    return String.join(", ", steps);
  }

  /**
   * Each step's parameters and defaults, one line per record, as the README's table: e.g.
   * {@code RandAugment(numOps|n=2, magnitude|m=9, numMagnitudeBins|bins=31, fill=0)} ({@code |}
   * introduces an alias; a parameter without {@code =} must be given; {@code height=width} takes
   * the value of {@code width}).
   *
   * @return one signature per record that has a SPEC, in the records' order
   */
  public static List<String> signatures() {
    return StepSyntax.STEPS.values().stream().map(StepSyntax::signature).toList();
  }

  /**
   * The batch steps' parameters and defaults, as {@link #signatures()}: {@code MixUp(alpha=1.0,
   * p=1.0)} and {@code CutMix(alpha=1.0, p=1.0)}.
   *
   * @return one signature per batch step that has a SPEC
   */
  public static List<String> batchSignatures() {
    return StepSyntax.BATCH_STEPS.values().stream().map(StepSyntax::signature).toList();
  }

  /**
   * The steps as a JSON list, e.g. {@code [{"type":"HorizontalFlip","p":0.5}]}, which {@link
   * #fromJson} reads back.
   *
   * @param specs the steps, not null, none null
   * @return the JSON text, one line
   * @throws IllegalArgumentException for a {@link TransformSpec.Custom} step, which has no JSON
   */
  public static String toJson(List<? extends TransformSpec> specs) {
    Checks.notNull(specs, "specs");
    for (int i = 0; i < specs.size(); i++) {
      syntax(specs.get(i), i);
    }
    try {
      return MAPPER.writerFor(LIST).writeValueAsString(specs);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write the transforms: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * The steps of a JSON list (the form {@link #toJson} writes: every field of each record, named
   * by {@code "type"}).
   *
   * @param json the JSON text, at most {@value #MAX_JSON_BYTES} characters; not null
   * @param origin what to call it in an error, e.g. the file's name; not null
   * @return the steps, an unmodifiable list
   * @throws IllegalArgumentException naming {@code origin}, the step's position and what is wrong
   */
  public static List<TransformSpec> fromJson(String json, String origin) {
    Checks.notNull(json, "json");
    Checks.notNull(origin, "origin");
    if (json.length() > MAX_JSON_BYTES) {
      throw new IllegalArgumentException(origin + ": " + json.length() + " characters, more than "
          + MAX_JSON_BYTES + " for a transforms list");
    }
    List<TransformSpec> specs;
    try {
      specs = MAPPER.readValue(json, LIST);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(origin + ": " + jsonProblem(e), e);
    }
    if (specs == null || specs.isEmpty()) {
      throw new IllegalArgumentException(origin + ": an empty transforms list; write a JSON list of steps, e.g. "
          + "[{\"type\":\"Resize\",\"width\":224,\"height\":224}]");
    }
    if (specs.size() > MAX_STEPS) {
      throw new IllegalArgumentException(origin + ": " + specs.size() + " steps, more than " + MAX_STEPS);
    }
    for (int i = 0; i < specs.size(); i++) {
      TransformSpec spec = specs.get(i);
      if (spec == null) {
        throw new IllegalArgumentException(origin + ": step " + i + " is null");
      }
      for (Object value : syntax(spec, i).values((Record) spec)) {
        if (value instanceof List<?> list && list.size() > MAX_LIST_VALUES) {
          throw new IllegalArgumentException(origin + ": step " + i + " (" + spec.getClass().getSimpleName()
              + "): a list of " + list.size() + " values, more than " + MAX_LIST_VALUES);
        }
      }
    }
    return List.copyOf(specs);
  }

  /**
   * The steps of a JSON transforms file, read only up to {@value #MAX_JSON_BYTES} bytes.
   *
   * @param file the file, not null
   * @return the steps, an unmodifiable list
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException naming the file if it is too large or not a valid transforms list
   */
  public static List<TransformSpec> readJson(Path file) throws IOException {
    Checks.notNull(file, "file");
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + (Files.exists(file) ? ": not a regular file" : ": no such file"));
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_JSON_BYTES + 1);   // bounded whatever the size says: a FIFO, a growing file
    }
    if (bytes.length > MAX_JSON_BYTES) {
      throw new IllegalArgumentException(file + ": more than " + MAX_JSON_BYTES + " bytes; a transforms list is "
          + "far smaller");
    }
    return fromJson(new String(bytes, StandardCharsets.UTF_8), file.toString());
  }

  /** {@code spec}, refused before any work when it is longer than {@link #MAX_SPEC_CHARS}. */
  private static String bounded(String spec) {
    Checks.notNull(spec, "spec");
    if (spec.length() > MAX_SPEC_CHARS) {
      throw new TransformSpecSyntaxException("a SPEC of " + spec.length() + " characters, more than "
          + MAX_SPEC_CHARS, "", spec, MAX_SPEC_CHARS, 1);
    }
    return spec;
  }

  /** The syntax of {@code spec}, the i-th step, refusing what has no text form. */
  private static StepSyntax syntax(TransformSpec spec, int i) {
    Checks.notNull(spec, "specs[" + i + "]");
    if (spec instanceof TransformSpec.Custom) {
      throw new IllegalArgumentException("step " + i + " (Custom): a user-defined step has no SPEC or JSON form; "
          + "it runs only in this JVM");
    }
    StepSyntax syntax = StepSyntax.STEPS.get(spec.getClass().getSimpleName());
    if (syntax == null) {
      throw new IllegalArgumentException("step " + i + " (" + spec.getClass().getSimpleName() + "): has no SPEC or "
          + "JSON form yet");
    }
    return syntax;
  }

  /** A Jackson error as one line: the step's position and field, what is wrong, where. */
  private static String jsonProblem(JsonProcessingException e) {
    StringBuilder text = new StringBuilder();
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty() && m.getPath().get(0).getIndex() >= 0) {
      text.append("step ").append(m.getPath().get(0).getIndex());
      for (JsonMappingException.Reference r : m.getPath().subList(1, m.getPath().size())) {
        if (r.getFieldName() != null) {
          text.append(", field ").append(r.getFieldName());
        }
      }
      text.append(": ");
    }
    Throwable cause = e.getCause();
    text.append(cause instanceof IllegalArgumentException || cause instanceof NullPointerException
        ? cause.getMessage() : e.getOriginalMessage().replaceAll(JACKSON_ADVICE, ""));
    if (e.getLocation() != null) {
      text.append(" (line ").append(e.getLocation().getLineNr()).append(", column ")
          .append(e.getLocation().getColumnNr()).append(')');
    }
    return text.toString();
  }
}
