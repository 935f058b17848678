package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java examples compile against the exported API alone: each {@code ```java} block is
 * compiled with javac into a module that {@code requires} every Stoker library module on the
 * runtime module path and imports every package they export (and no other). A block's free names
 * are declared by an HTML comment on the line before it, {@code <!-- given: SampleSource source; -->},
 * whose text becomes members of the example's class.
 */
class ReadmeExamplesTest {
  private static final Path README = Path.of("..", "README.md");
  private static final Pattern GIVEN = Pattern.compile("^<!--\\s*given:(.*)-->\\s*$");
  private static final List<String> JDK_IMPORTS = List.of("java.io", "java.lang.foreign", "java.net", "java.nio.file",
      "java.util", "java.util.function");

  @TempDir
  Path work;

  /** One {@code ```java} block: its first line (1-based), its given members and its code. */
  record Example(int line, String given, String code) {}

  static List<Example> examples() throws IOException {
    List<String> lines = Files.readAllLines(README);
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).strip().equals("```java")) {
        continue;
      }
      Matcher given = i > 0 ? GIVEN.matcher(lines.get(i - 1).strip()) : GIVEN.matcher("");
      int start = i + 1;
      int end = start;
      while (end < lines.size() && !lines.get(end).strip().equals("```")) {
        end++;
      }
      examples.add(new Example(start + 1, given.matches() ? given.group(1).strip() : "",
          String.join("\n", lines.subList(start, end))));
      i = end;
    }
    return examples;
  }

  @TestFactory
  Stream<DynamicTest> readme_javaBlocks_compileAgainstTheExportedPackagesAlone() throws IOException {
    List<Example> examples = examples();
    assertThat(examples).as("```java blocks in " + README).hasSizeGreaterThanOrEqualTo(6);
    return examples.stream().map(e -> DynamicTest.dynamicTest("README.md line " + e.line(), () -> {
      List<CompileError> errors = compile(e);
      assertThat(errors).as("README.md line %d does not compile:%n%s", e.line(), describe(errors)).isEmpty();
    }));
  }

  @Test
  void compile_internalArgumentChecks_failsAsNotVisible() throws IOException {
    List<CompileError> errors =
        compile(new Example(0, "", "dev.stoker.api.internal.Checks.positive(1, \"one\");"));

    assertThat(describe(errors)).contains("dev.stoker.api.internal is not visible");
  }

  @Test
  void compile_decoderImplementationPackage_failsAsNotVisible() throws IOException {
    List<CompileError> errors =
        compile(new Example(0, "", "dev.stoker.image.TransformPlan plan = null;"));

    assertThat(describe(errors)).contains("dev.stoker.image is not visible");
  }

  @Test
  void imports_areTheUnqualifiedExportsOfTheStokerModules() {
    List<String> exported = exportedPackages();

    assertThat(exported).contains("dev.stoker.api").noneMatch(p -> p.endsWith(".internal") || p.equals("dev.stoker.image"));
  }

  private static List<String> exportedPackages() {
    return RuntimeModulePath.stokerModules().stream()
        .flatMap(d -> d.exports().stream())
        .filter(x -> !x.isQualified())
        .map(ModuleDescriptor.Exports::source)
        .sorted()
        .toList();
  }

  /** Compiles {@code e} as module {@code readme.examples}; returns the errors. */
  private List<CompileError> compile(Example e) throws IOException {
    Path src = Files.createTempDirectory(work, "src");
    Path out = Files.createTempDirectory(work, "out");
    String requires = RuntimeModulePath.stokerModules().stream()
        .map(d -> "  requires " + d.name() + ";\n").collect(Collectors.joining());
    Files.writeString(src.resolve("module-info.java"), "module readme.examples {\n" + requires + "}\n");
    String imports = Stream.concat(JDK_IMPORTS.stream(), exportedPackages().stream())
        .map(p -> "import " + p + ".*;\n").collect(Collectors.joining());
    Path file = Files.createDirectories(src.resolve("readme/examples")).resolve("Example.java");
    String header = "package readme.examples;\n\n" + imports
        + "\n@SuppressWarnings(\"unused\")\nabstract class Example {\n  " + e.given() + "\n\n"
        + "  void example() throws Exception {\n";
    Files.writeString(file, header + e.code() + "\n  }\n}\n");
    long codeStart = header.lines().count() + 1;

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
      String modulePath = RuntimeModulePath.entries().stream().map(Path::toString)
          .collect(Collectors.joining(java.io.File.pathSeparator));
      List<String> options = List.of("--module-path", modulePath, "-d", out.toString(), "-proc:none", "-Xlint:none");
      javac.getTask(null, files, diagnostics, options, null,
          files.getJavaFileObjects(src.resolve("module-info.java"), file)).call();
    }
    return diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
        .map(d -> new CompileError(d.getLineNumber() < codeStart ? "given or generated code" : "README.md line "
            + (e.line() + d.getLineNumber() - codeStart), d.getMessage(Locale.ROOT)))
        .toList();
  }

  /** A compile error: where (a README line, or the given members) and javac's message. */
  record CompileError(String where, String message) {}

  private static String describe(List<CompileError> errors) {
    return errors.stream().map(d -> "  " + d.where() + ": " + d.message()).collect(Collectors.joining("\n"));
  }
}
