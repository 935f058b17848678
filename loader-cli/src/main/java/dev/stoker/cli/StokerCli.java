package dev.stoker.cli;

import dev.stoker.api.MemoryLimitException;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code stoker} command line.
 *
 * <pre>
 * stoker demo [DIR]                      stream a dataset (a generated one by default) into a consumer
 * stoker bench DIR [--threads N] [--json] measure images/s with a no-op consumer
 * stoker bench --remote HOST:PORT,...     the same, with data-server nodes processing the samples
 * stoker list PATH                       open a dataset; print its files, classes and the seconds it took
 * stoker serve --data DIR --port P       run a data-server node for remote loaders until interrupted
 * stoker doctor DIR [--model NAME]        can this machine feed the training, and does the model fit?
 * stoker plan --transforms SPEC          what the steps cost as written and as Stoker runs them (estimates)
 * stoker pack SRC OUT [--max-side N]     preprocess a dataset once into tar shards with an index (resumable)
 * </pre>
 *
 * <p>Exit status: 0 on success; 1 for a run that failed (a dataset that cannot be opened, a node
 * that cannot be reached, a failure budget exceeded, a count that does not add up); 2 for bad
 * usage: an unknown option, a value out of range or not one of the choices, options that
 * contradict each other ({@link UsageException}), or settings that ask for more memory than can be
 * given (a sample over the per-sample limit, sizes that overflow, a ring over
 * {@code --max-off-heap}). An error is printed as one line {@code stoker: ...}, naming the option
 * as typed ({@code --batch}); {@code STOKER_DEBUG=1} adds the stack trace.
 *
 * <p>{@code --log-level} (any command) sets slf4j-simple's level before the first logger exists.
 */
@Command(name = "stoker", mixinStandardHelpOptions = true, versionProvider = StokerVersion.class,
    description = "Keeps a GPU fed: streams, decodes and augments images into a ring of batch slots.",
    subcommands = {DemoCommand.class, BenchCommand.class, ListCommand.class, ServeCommand.class, DoctorCommand.class,
        PlanCommand.class, PackCommand.class, CommandLine.HelpCommand.class},
    footerHeading = "%nExit status: 0 success, 1 a run that failed, 2 bad usage.%n%nEnvironment:%n",
    footer = {
        "  STOKER_JAVA       the java binary the stoker launcher runs (default: JAVA_HOME, then /usr/lib/jvm)",
        "  STOKER_JAVA_OPTS  extra JVM options for the launcher, e.g. -Xmx8g",
        "  STOKER_DEBUG      set (to anything) to print the stack trace of an error",
        "  RANK              this process's rank, as torchrun sets it: bench and demo shard by RANK and WORLD_SIZE",
        "                    when neither --rank nor --world-size is given",
        "  WORLD_SIZE        the number of ranks, as torchrun sets it (with RANK: both or neither)",
        "  LOCAL_RANK        the GPU a demo's feed uses (one process per GPU), else device 0"})
public final class StokerCli implements Runnable {
  /** slf4j-simple's default level, read once, when the first logger is made. */
  static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

  @Option(names = "--log-level", paramLabel = "LEVEL", scope = ScopeType.INHERIT,
      description = "log messages at LEVEL and above: ${COMPLETION-CANDIDATES} (default: info)")
  void logLevel(Choices.LogLevel level) {
    System.setProperty(LOG_LEVEL_PROPERTY, level.toString());
  }

  /** Exit status of a run that failed. */
  static final int FAILED = 1;
  /** Exit status of bad usage (picocli's too). */
  static final int USAGE = CommandLine.ExitCode.USAGE;

  /** The top-level command; {@link #main} hands a new one to picocli. */
  public StokerCli() {}

  /**
   * Runs the command line and exits with its status.
   *
   * @param args the command line, e.g. {@code bench /data/train}
   */
  public static void main(String[] args) {
    // Blocking file reads run on virtual threads; must be set before Reactor's schedulers start.
    System.setProperty("reactor.schedulers.defaultBoundedElasticOnVirtualThreads", "true");
    presetLogLevel(args);
    System.exit(run(args));
  }

  /**
   * Sets the log level from {@code --log-level LEVEL} (or {@code --log-level=LEVEL}) in
   * {@code args} before anything else runs, so that no logger is made before it (slf4j-simple reads
   * the level once); picocli checks the value later.
   */
  static void presetLogLevel(String... args) {
    for (int i = 0; i < args.length; i++) {
      String value = args[i].startsWith("--log-level=") ? args[i].substring("--log-level=".length())
          : args[i].equals("--log-level") && i + 1 < args.length ? args[i + 1] : null;
      if (value != null) {
        for (Choices.LogLevel level : Choices.LogLevel.values()) {
          if (level.toString().equalsIgnoreCase(value)) {
            System.setProperty(LOG_LEVEL_PROPERTY, level.toString());
          }
        }
      }
      if (args[i].equals("--")) {
        return;
      }
    }
  }

  /** Runs the command line and returns its exit status (for tests). */
  static int run(String... args) {
    return run(LoaderOptions::launcherVariable, args);
  }

  /**
   * {@link #run(String...)} with {@code RANK} and {@code WORLD_SIZE} looked up in {@code environment}
   * (tests: a map, never the process's environment changed).
   */
  static int run(Function<String, String> environment, String... args) {
    // no @argument-files: "--transforms @recipe.json" names a file the option reads itself
    CommandLine cli = new CommandLine(new StokerCli()).setCaseInsensitiveEnumValuesAllowed(true)
        .setExpandAtFiles(false);
    if (cli.getSubcommands().get("bench").getCommand() instanceof BenchCommand bench) {
      bench.options.environment = environment;
    }
    if (cli.getSubcommands().get("demo").getCommand() instanceof DemoCommand demo) {
      demo.options.environment = environment;
    }
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("stoker: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      if (System.getenv("STOKER_DEBUG") != null) {
        e.printStackTrace(cmd.getErr());
      }
      // bad usage, and settings asking for more memory than can be given: 2; a run that failed: 1
      return e instanceof UsageException || e instanceof MemoryLimitException ? USAGE : FAILED;
    });
    return cli.execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
