package dev.stoker.pack;

/**
 * How far a pack has come, reported after every source sample (in source order, on the thread
 * that writes the shards).
 *
 * <pre>{@code
 * PackWriting.write(source, out, options, p -> System.err.printf("%d/%d%n", p.done(), p.total()));
 * }</pre>
 *
 * @param done source samples handled (packed or failed), those of shards kept from an earlier run included
 * @param total source samples in all
 * @param packed samples written
 * @param failed samples that could not be packed
 * @param shards shards finished
 * @param bytesIn encoded bytes read from the source for the packed samples
 * @param bytesOut bytes of the finished shards and the one being written
 * @param elapsedSeconds seconds since this run started
 */
public record PackProgress(int done, int total, int packed, int failed, int shards, long bytesIn, long bytesOut,
    double elapsedSeconds) {}
