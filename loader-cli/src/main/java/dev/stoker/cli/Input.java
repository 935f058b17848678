package dev.stoker.cli;

import dev.stoker.api.SampleSource;
import dev.stoker.pipeline.LoaderBuilder;
import dev.stoker.remote.client.RemoteSource;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What a command loads: a local dataset, read and processed by the loader, or data-server nodes,
 * which process the samples (exactly one of the two is set). Closing it closes the connections to
 * the nodes; a local source holds nothing to close.
 *
 * @param local the local dataset, or null
 * @param nodes the nodes, or null
 */
record Input(SampleSource local, RemoteSource nodes) implements AutoCloseable {
  Input {
    if ((local == null) == (nodes == null)) {
      throw new IllegalArgumentException("exactly one of local and nodes, got " + local + " and " + nodes);
    }
  }

  static Input local(SampleSource source) {
    return new Input(source, null);
  }

  static Input nodes(RemoteSource nodes) {
    return new Input(null, nodes);
  }

  /** Whether samples carry boxes. */
  boolean hasBoxes() {
    return local != null ? local.hasBoxes() : nodes.hasBoxes();
  }

  /** The class names. */
  List<String> classes() {
    return local != null ? local.classes() : nodes.classes();
  }

  /** Bytes received from the nodes so far; 0 for a local dataset. */
  long wireBytes() {
    return nodes != null ? nodes.bytesReceived() : 0;
  }

  /** Gives {@code builder} the samples: the local source as {@code cache} wraps it, or the nodes. */
  LoaderBuilder into(LoaderBuilder builder, UnaryOperator<SampleSource> cache) {
    return local != null ? builder.source(cache.apply(local)) : builder.supplier(nodes);
  }

  @Override
  public void close() {
    if (nodes != null) {
      nodes.close();
    }
  }
}
