/**
 * Byte-range reads from local files, HTTP(S) servers and S3-compatible object stores.
 *
 * <pre>{@code
 * try (BlobStore store = BlobStores.open("s3://bucket/prefix", StorageOptions.defaults())) {
 *   ByteBuffer head = store.read("shard-000000.tar", 0, 512);
 * }
 * }</pre>
 */
package dev.stoker.storage;
