/**
 * Packed datasets: writing WebDataset-style tar shards with an index and a descriptor, and reading
 * them (or foreign WebDataset shards) back as a sample source.
 *
 * <pre>{@code
 * SampleSource packed = Packs.open("s3://bucket/imagenet-256", PackReadOptions.defaults());
 * }</pre>
 */
package dev.stoker.pack;
