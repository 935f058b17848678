package dev.stoker.pipeline;

import dev.stoker.api.BatchTransformSpec;
import dev.stoker.api.TransformSpec;
import dev.stoker.api.TransformSpec.Normalize;
import dev.stoker.pipeline.SpecTokens.Kind;
import dev.stoker.pipeline.SpecTokens.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a transform SPEC (grammar in {@link TransformSpecs}) into records, one token of look-ahead,
 * every error a {@link TransformSpecSyntaxException} at the offending token. The caller has
 * bounded the SPEC's length; this bounds the steps (presets expanded) and each list's values as
 * they are read.
 */
final class SpecParser {
  private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
  private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
  /** A record's refusal starts with the parameter it names: {@code p must be ...}, {@code minIoUs: must ...}. */
  private static final Pattern NAMED = Pattern.compile("^(\\w+)[ :]");
  /** The size a preset gets when the SPEC names none: the CLI's default {@code --size}. */
  static final int PRESET_SIZE = 224;

  /** A number as written: {@code 0.5}, or a fraction {@code 3/4}. */
  private record Num(Token numerator, Token denominator) {}

  /**
   * A value: a number, a list of numbers, or a word (only {@code Normalize(imagenet)} takes one).
   *
   * @param first its first token
   * @param last its last token, for the carets' length
   */
  private record Value(Token first, Token last, List<Num> numbers, boolean list) {
    boolean word() {
      return first.kind() == Kind.WORD;
    }

    int length() {
      return last.offset() + last.text().length() - first.offset();
    }
  }

  /** One argument: a value, named ({@code p=0.5}) or by position ({@code 0.5}). */
  private record Arg(Token name, Value value) {}

  private final String spec;
  private final List<Token> tokens;
  private final List<TransformSpec> steps = new ArrayList<>();
  private final List<BatchTransformSpec> batchSteps = new ArrayList<>();
  private int next;

  private final boolean batchStepsAllowed;

  private SpecParser(String spec, boolean batchStepsAllowed) {
    this.spec = spec;
    this.batchStepsAllowed = batchStepsAllowed;
    this.tokens = SpecTokens.of(spec);
  }

  /** The per-sample steps of {@code spec}, whose length the caller has bounded; a batch step is refused. */
  static List<TransformSpec> parse(String spec) {
    SpecParser parser = parsed(spec, false);
    return List.copyOf(parser.steps);
  }

  /** The per-sample and batch steps of {@code spec}, whose length the caller has bounded. */
  static TransformSpecs.Recipe parseRecipe(String spec) {
    SpecParser parser = parsed(spec, true);
    return new TransformSpecs.Recipe(parser.steps, parser.batchSteps);
  }

  private static SpecParser parsed(String spec, boolean batchStepsAllowed) {
    SpecParser parser = new SpecParser(spec, batchStepsAllowed);
    if (parser.peek().kind() == Kind.END) {
      throw parser.error("empty SPEC", "write at least one step, e.g. RandomResizedCrop(224), HorizontalFlip",
          parser.peek());
    }
    parser.steps();
    if (parser.steps.isEmpty()) {
      throw parser.error("a recipe of batch steps only", "write the per-sample steps first, e.g. "
          + "RandomResizedCrop(224), HorizontalFlip, MixUp(0.2)", parser.tokens.get(0));
    }
    return parser;
  }

  private void steps() {
    do {
      Token name = expect(Kind.WORD, "a step name, e.g. RandomResizedCrop");
      List<Arg> args = peek().kind() == Kind.OPEN ? arguments() : List.of();
      step(name, args);
      if (steps.size() + batchSteps.size() > TransformSpecs.MAX_STEPS) {
        throw error("more than " + TransformSpecs.MAX_STEPS + " steps", "", name);
      }
    } while (accept(Kind.COMMA));
    if (peek().kind() != Kind.END) {
      throw error("expected ',' between steps, found " + peek().described(), "", peek());
    }
  }

  private List<Arg> arguments() {
    expect(Kind.OPEN, "'('");
    List<Arg> args = new ArrayList<>();
    if (accept(Kind.CLOSE)) {
      return args;
    }
    do {
      Token name = null;
      if (peek().kind() == Kind.WORD && tokens.get(next + 1).kind() == Kind.EQUALS) {
        name = take();
        take();
      }
      args.add(new Arg(name, value()));
    } while (accept(Kind.COMMA));
    if (!accept(Kind.CLOSE)) {
      throw error("expected ',' or ')' after an argument, found " + peek().described(), "", peek());
    }
    return args;
  }

  private Value value() {
    Token first = peek();
    if (first.kind() == Kind.WORD) {
      take();
      return new Value(first, first, List.of(), false);
    }
    if (!accept(Kind.OPEN_LIST)) {
      Num n = number();
      return new Value(first, n.denominator() == null ? n.numerator() : n.denominator(), List.of(n), false);
    }
    List<Num> numbers = new ArrayList<>();
    if (!accept(Kind.CLOSE_LIST)) {
      do {
        if (numbers.size() == TransformSpecs.MAX_LIST_VALUES) {
          throw error("a list of more than " + TransformSpecs.MAX_LIST_VALUES + " values", "", peek());
        }
        numbers.add(number());
      } while (accept(Kind.COMMA));
      if (peek().kind() != Kind.CLOSE_LIST) {
        throw error("expected ',' or ']' in a list, found " + peek().described(), "", peek());
      }
      take();
    }
    return new Value(first, tokens.get(next - 1), numbers, true);
  }

  private Num number() {
    Token n = expect(Kind.NUMBER, "a value: a number, a list [a, b] or a name");
    wellFormed(n);
    if (!accept(Kind.SLASH)) {
      return new Num(n, null);
    }
    Token d = expect(Kind.NUMBER, "a number after '/'");
    wellFormed(d);
    return new Num(n, d);
  }

  private void wellFormed(Token n) {
    if (!NUMBER.matcher(n.text()).matches()) {
      throw error("'" + n.text() + "' is not a number", "write e.g. 0.5, -10, 1e-3 or 3/4", n);
    }
  }

  private void step(Token name, List<Arg> args) {
    StepSyntax step = StepSyntax.STEPS.get(name.text());
    StepSyntax batchStep = StepSyntax.BATCH_STEPS.get(name.text());
    if (step != null || Presets.NAMES.contains(name.text())) {
      if (!batchSteps.isEmpty()) {
        throw error(name.text() + ": a per-sample step after a batch step ("
            + batchSteps.getLast().getClass().getSimpleName() + ")", "batch steps mix whole batches, so they come "
            + "after every per-sample step", name);
      }
    }
    if (batchStep != null) {
      if (!batchStepsAllowed) {
        throw error(name.text() + " is a batch step, not a per-sample TransformSpec",
            "TransformSpecs.parseRecipe reads it (LoaderBuilder.batchTransforms in Java)", name);
      }
      batchSteps.add((BatchTransformSpec) bind(batchStep, name, args));
    } else if (step != null) {
      steps.add((TransformSpec) bind(step, name, args));
    } else if (Presets.NAMES.contains(name.text())) {
      steps.addAll(preset(name, args));
    } else if (name.text().equals("Custom")) {
      throw error("Custom: a user-defined step cannot be written in a SPEC",
          "add new TransformSpec.Custom(step) to the list in Java (LoaderBuilder.transforms)", name);
    } else {
      throw error("unknown step '" + name.text() + "'", StepNames.suggestion(name.text()), name);
    }
  }

  private Record bind(StepSyntax step, Token name, List<Arg> args) {
    int n = step.params.size();
    Object[] values = new Object[n];
    Value[] given = new Value[n];
    if (step.type == Normalize.class && args.size() == 1 && args.get(0).name() == null && args.get(0).value().word()) {
      Token word = args.get(0).value().first();
      if (word.text().equals("imagenet")) {
        return Normalize.imagenet();
      }
      throw error("Normalize: unknown statistics '" + word.text() + "'",
          "write Normalize(imagenet) or Normalize(mean=[r, g, b], std=[r, g, b])", word);
    }
    int position = 0;
    Token firstNamed = null;
    for (Arg arg : args) {
      int i;
      if (arg.name() == null) {
        if (firstNamed != null) {
          throw error(step.name + ": an argument by position after one by name ('" + firstNamed.text() + "')",
              "give the positional arguments first", arg.value().first());
        }
        if (position == n) {
          throw error(step.name + ": too many arguments; it takes " + n, step.signature(), arg.value().first());
        }
        i = position++;
      } else {
        firstNamed = firstNamed == null ? arg.name() : firstNamed;
        i = step.indexOf(arg.name().text());
        if (i < 0) {
          throw error(step.name + ": unknown argument '" + arg.name().text() + "'", "it takes "
              + step.parameterList(), arg.name());
        }
        if (given[i] != null) {
          throw error(step.name + ": " + step.params.get(i).name() + " given twice (first at column "
              + (given[i].first().offset() + 1) + ")", "", arg.name());
        }
      }
      given[i] = arg.value();
      values[i] = convert(step.name, step.params.get(i), arg.value());
    }
    for (int i = 0; i < n; i++) {
      if (values[i] == null) {
        values[i] = step.fallback(i, values);
        if (values[i] == null) {
          throw error(step.name + ": missing " + step.params.get(i).name(), "it takes " + step.signature()
              + (step.type == Normalize.class ? " or Normalize(imagenet)" : ""), name);
        }
      }
    }
    try {
      return step.build(values);
    } catch (IllegalArgumentException | NullPointerException refused) {
      String message = String.valueOf(refused.getMessage());
      Matcher named = NAMED.matcher(message);
      int i = named.find() ? step.indexOf(named.group(1)) : -1;
      Value at = i >= 0 ? given[i] : null;
      if (at == null) {
        throw error(step.name + ": " + message, "", name);
      }
      throw new TransformSpecSyntaxException(step.name + ": " + message, "", spec, at.first().offset(), at.length());
    }
  }

  private Object convert(String step, StepSyntax.Param p, Value value) {
    String what = step + ": " + p.name();
    if (value.word()) {
      throw error(what + " must be " + (p.kind() == StepSyntax.Kind.LIST ? "a list of numbers" : "a number")
          + ", got '" + value.first().text() + "'", "", value.first());
    }
    if (p.kind() == StepSyntax.Kind.LIST) {
      if (!value.list()) {
        throw error(what + " must be a list of numbers, e.g. [0.5, 0.7]", "", value.first());
      }
      List<Double> list = new ArrayList<>();
      for (Num n : value.numbers()) {
        list.add(real(what, n));
      }
      return list;
    }
    if (value.list()) {
      throw error(what + " must be one number, not a list", "", value.first());
    }
    Num n = value.numbers().get(0);
    if (p.kind() == StepSyntax.Kind.DOUBLE) {
      return real(what, n);
    }
    if (n.denominator() != null || !INTEGER.matcher(n.numerator().text()).matches()) {
      throw new TransformSpecSyntaxException(what + " must be a whole number, got " + text(n), "", spec,
          value.first().offset(), value.length());
    }
    try {
      return Integer.parseInt(n.numerator().text());
    } catch (NumberFormatException e) {
      throw error(what + " must be between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE + ", got "
          + text(n), "", n.numerator());
    }
  }

  private double real(String what, Num n) {
    double v = Double.parseDouble(n.numerator().text());
    if (n.denominator() != null) {
      v /= Double.parseDouble(n.denominator().text());
    }
    if (!Double.isFinite(v)) {
      Token at = n.denominator() == null ? n.numerator() : n.denominator();
      throw error(what + ": " + text(n) + " is not a finite number", "", at);
    }
    return v;
  }

  private static String text(Num n) {
    return n.numerator().text() + (n.denominator() == null ? "" : "/" + n.denominator().text());
  }

  /** A preset by name: {@code imagenet-train}, {@code imagenet-train(160)}, {@code imagenet-train(size=160)}. */
  private List<TransformSpec> preset(Token name, List<Arg> args) {
    boolean sized = !name.text().startsWith("ssd300-");
    if (!sized && !args.isEmpty()) {
      throw error(name.text() + " takes no arguments (it is 300x300 by its name)", "", args.get(0).value().first());
    }
    if (args.size() > 1) {
      throw error(name.text() + ": too many arguments; it takes one, size", "", args.get(1).value().first());
    }
    int size = PRESET_SIZE;
    Value at = null;
    if (!args.isEmpty()) {
      Arg arg = args.get(0);
      if (arg.name() != null && !arg.name().text().equals("size")) {
        throw error(name.text() + ": unknown argument '" + arg.name().text() + "'", "it takes size", arg.name());
      }
      at = arg.value();
      size = (Integer) convert(name.text(), PRESET_SIZE_PARAM, at);
    }
    try {
      return Presets.byName(name.text(), size);
    } catch (IllegalArgumentException refused) {
      Token token = at == null ? name : at.first();
      throw new TransformSpecSyntaxException(name.text() + ": " + refused.getMessage(), "", spec, token.offset(),
          at == null ? name.text().length() : at.length());
    }
  }

  /** A preset's one parameter, read as a whole number like a record's. */
  private static final StepSyntax.Param PRESET_SIZE_PARAM =
      new StepSyntax.Param("size", List.of(), StepSyntax.Kind.INT, String.valueOf(PRESET_SIZE));

  private Token peek() {
    return tokens.get(next);
  }

  private Token take() {
    return tokens.get(next++);
  }

  private boolean accept(Kind kind) {
    if (peek().kind() == kind) {
      next++;
      return true;
    }
    return false;
  }

  private Token expect(Kind kind, String expected) {
    if (peek().kind() != kind) {
      throw error("expected " + expected + ", found " + peek().described(), "", peek());
    }
    return take();
  }

  private TransformSpecSyntaxException error(String problem, String hint, Token at) {
    return new TransformSpecSyntaxException(problem, hint, spec, at.offset(), at.text().length());
  }
}
