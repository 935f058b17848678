package dev.stoker.cli;

import dev.stoker.api.MemoryLimitException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code stoker} command line.
 *
 * <pre>
 * stoker demo [DIR]                      stream a dataset (a generated one by default) into a consumer
 * stoker bench DIR [--threads N] [--json] measure images/s with a no-op consumer
 * stoker bench --remote HOST:PORT,...     the same, with data-server nodes processing the samples
 * stoker list PATH                       open a dataset; print its files, classes and the seconds it took
 * stoker serve --data DIR --port P       run a data-server node for remote loaders until interrupted
 * </pre>
 *
 * <p>Exit status: 0 on success; 2 for a usage error or settings that ask for more memory than can
 * be given (a sample over the per-sample limit, sizes that overflow, a ring over
 * {@code --max-off-heap}); 1 for any other error, printed as one line {@code stoker: ...}.
 */
@Command(name = "stoker", mixinStandardHelpOptions = true, versionProvider = StokerVersion.class,
    description = "Keeps a GPU fed: streams, decodes and augments images into a ring of batch slots.",
    subcommands = {DemoCommand.class, BenchCommand.class, ListCommand.class, ServeCommand.class, CommandLine.HelpCommand.class})
public final class StokerCli implements Runnable {

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    // Blocking file reads run on virtual threads; must be set before Reactor's schedulers start.
    System.setProperty("reactor.schedulers.defaultBoundedElasticOnVirtualThreads", "true");
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit status (for tests). */
  static int run(String... args) {
    CommandLine cli = new CommandLine(new StokerCli());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("stoker: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      if (System.getenv("STOKER_DEBUG") != null) {
        e.printStackTrace(cmd.getErr());
      }
      // settings asking for more memory than can be given are refused like a usage error
      return e instanceof MemoryLimitException ? 2 : 1;
    });
    return cli.execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
