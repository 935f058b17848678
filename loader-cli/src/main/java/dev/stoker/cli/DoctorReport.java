package dev.stoker.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stoker.advice.Feasibility;
import dev.stoker.advice.FeasibilityAnswer;
import dev.stoker.advice.FeedAdvice;
import dev.stoker.advice.Hardware;
import dev.stoker.advice.ModelMemory;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code stoker doctor} found and concluded, as sentences (each measured figure with how it
 * was measured) and as one JSON object whose keys the README's doctor section documents.
 */
record DoctorReport(String dataset, int images, int sampled, String preset, String transforms, int width, int height,
    DatasetProbe.Encoded encoded, DatasetProbe.Pixels pixels, long decodedBytes, ReadProbe.Rate cold,
    ReadProbe.Rate cached, RecipeProbe perCore, int cores, MemoryProbe memory, GpuProbe gpu, boolean gpuMemoryGiven,
    Hardware hardware, double target, String targetMethod, ModelMemory model, FeedAdvice feed,
    FeasibilityAnswer answer) {

  /** The sentences, in order: dataset, reads, decode, memory, GPU, model, feed, data, verdict. */
  List<String> sentences() {
    List<String> s = new ArrayList<>();
    s.add(String.format(Locale.ROOT, "Dataset: %s: %,d images, %s encoded (%s), %s decoded (%s).", dataset, images,
        size(encoded.bytes()), encoded.method(), size(decodedBytes), decodedMethod()));
    s.add("Reads, cold: " + rate(cold) + ".");
    s.add("Reads, from the page cache: " + rate(cached) + ".");
    s.add(String.format(Locale.ROOT, "Decode+augment: %,.0f images/s per core (%s).", perCore.perCoreImagesPerSecond(),
        perCore.method()));
    s.add(String.format(Locale.ROOT, "Memory: %s available (%s); a cache may take %d%% of it: the encoded files "
        + "%s, the decoded images %s.", size(memory.bytes()), memory.method(), Feasibility.CACHE_SHARE_PERCENT,
        answer.encodedCacheFits() ? "fit" : "do not fit", answer.decodedCacheFits() ? "fit" : "do not fit"));
    s.add(gpuSentence());
    if (model != null) {
      s.add("Model: " + model.describe() + ". Activations: " + String.format(Locale.ROOT, "%,d MB per image at "
          + "%dx%d, fp32 (%s), scaled by pixels. Formula: ", model.model().referenceActivationBytes() / 1_000_000,
          model.model().referenceWidth(), model.model().referenceHeight(), model.model().basis())
          + ModelMemory.FORMULA);
    }
    s.add(feedSentence());
    s.add(String.format(Locale.ROOT, "Data: %s.", switch (answer.data()) {
      case NONE -> "no cache or packing needed: the cold reads keep up";
      case CACHE -> "cache it: the cold reads bound and the encoded files fit in memory";
      case PACK -> "pack it: the cold reads bound and the files do not fit in memory";
    }));
    for (String reason : answer.reasons()) {
      s.add("Because: " + reason + ".");
    }
    s.add("Verdict: " + answer.verdict().label() + (answer.changes().isEmpty() ? "." : ": "
        + String.join("; ", answer.changes()) + "."));
    return s;
  }

  void printSentences(PrintStream out) {
    for (String sentence : sentences()) {
      out.println(sentence);
    }
  }

  private String decodedMethod() {
    return pixels.headers() == 0 ? "no image header could be read"
        : String.format(Locale.ROOT, "mean %,.0f pixels from the headers of %,d sampled images x 3 bytes x %,d images",
            pixels.meanPixels(), pixels.headers(), images);
  }

  private static String rate(ReadProbe.Rate r) {
    return r.measured() ? String.format(Locale.ROOT, "%,.0f MB/s, %,.0f images/s (%s)", r.megabytesPerSecond(),
        r.imagesPerSecond(), r.method()) : r.method();
  }

  private String gpuSentence() {
    String given = gpuMemoryGiven ? String.format(Locale.ROOT, " The model is judged against the %s given with "
        + "--gpu-memory.", size(hardware.gpuMemoryBytes())) : "";
    if (!gpu.usable()) {
      return "GPU: none measured: " + gpu.reason() + "." + given;
    }
    return String.format(Locale.ROOT, "GPU: %s, %s (%s free), host-to-device %.1f GB/s (%s).%s", gpu.device(),
        size(gpu.totalBytes()), size(gpu.freeBytes()), gpu.hostToDeviceBytesPerSecond() / 1e9, gpu.method(), given);
  }

  private String feedSentence() {
    String feeds = String.format(Locale.ROOT, "Feed: this machine can feed %,.0f images/s (%d cores x %,.0f per core"
        + "%s)", answer.feedImagesPerSecond(), cores, perCore.perCoreImagesPerSecond(),
        cold.measured() ? String.format(Locale.ROOT, ", bounded by cold reads at %,.0f", cold.imagesPerSecond())
            : ", reads not bounding");
    if (!Double.isFinite(target)) {
      return feeds + "; no target given (--target-images-per-s, or --gpu-step-ms with --batch). To feed more: "
          + (feed.change().isEmpty() ? feed.sentence() : feed.change()) + ".";
    }
    return feeds + String.format(Locale.ROOT, "; the target is %,.0f images/s (%s): it needs %,d cores at %,.0f per "
        + "core, %s.", target, targetMethod, answer.coresNeeded(), perCore.perCoreImagesPerSecond(),
        answer.nodesNeeded() <= 1 ? "this machine" : answer.nodesNeeded() + " machines like this one");
  }

  /** The JSON object; numbers not measured are null. */
  String json() {
    ObjectNode o = new ObjectMapper().createObjectNode();
    o.put("dataset", dataset);
    o.put("images", images);
    o.put("sample", sampled);
    o.put("preset", preset);
    o.put("transforms", transforms);
    o.put("output_width", width);
    o.put("output_height", height);
    putBytes(o, "encoded_bytes", encoded.bytes());
    o.put("encoded_method", encoded.method());
    o.put("mean_source_pixels", Math.round(pixels.meanPixels()));
    putBytes(o, "decoded_bytes", decodedBytes);
    o.put("decoded_method", decodedMethod());
    putRate(o, "read_cold", cold);
    putRate(o, "read_cached", cached);
    o.put("per_core_images_per_s", round(perCore.perCoreImagesPerSecond(), 1));
    o.put("decode_ms", round(perCore.decodeMillis(), 3));
    o.put("augment_ms", round(perCore.augmentMillis(), 3));
    o.put("per_core_method", perCore.method());
    o.put("cores", cores);
    putBytes(o, "memory_available_bytes", memory.bytes());
    o.put("memory_method", memory.method());
    o.put("encoded_cache_fits", answer.encodedCacheFits());
    o.put("decoded_cache_fits", answer.decodedCacheFits());
    o.put("gpu", gpu.usable() ? gpu.device() : null);
    o.put("gpu_reason", gpu.reason());
    putBytes(o, "gpu_memory_bytes", gpu.totalBytes());
    putBytes(o, "gpu_free_bytes", gpu.freeBytes());
    putNumber(o, "gpu_h2d_gb_per_s", gpu.usable() ? round(gpu.hostToDeviceBytesPerSecond() / 1e9, 2) : Double.NaN);
    o.put("gpu_method", gpu.method());
    putNumber(o, "target_images_per_s", round(target, 1));
    o.put("target_method", targetMethod);
    o.put("feed_images_per_s", round(answer.feedImagesPerSecond(), 1));
    o.put("cores_needed", answer.coresNeeded());
    o.put("nodes_needed", answer.nodesNeeded());
    o.put("data", answer.data().label());
    o.put("bound", feed.bound().label());
    putNumber(o, "shortfall", round(feed.shortfall(), 3));
    o.put("first_change", feed.first().label());
    o.put("feed_advice", feed.sentence());
    o.put("model", model == null ? null : model.model().label());
    if (model != null) {
      o.put("batch", model.batch());
      o.put("optimizer", model.optimizer().label());
      o.put("model_parameters", model.model().parameters());
      o.put("activation_bytes_per_image", model.model().activationBytes(width, height));
      o.put("activation_basis", model.model().basis());
      o.put("gpu_memory_estimate_bytes", model.totalBytes());
      o.put("gpu_memory_estimate", model.describe());
      o.put("memory_formula", ModelMemory.FORMULA);
      putBytes(o, "gpu_memory_judged_bytes", hardware.gpuMemoryBytes());
      o.put("largest_batch", answer.largestBatch());
      o.put("mixed_precision", answer.mixedPrecision());
    }
    o.put("verdict", answer.verdict().label());
    ArrayNode changes = o.putArray("changes");
    answer.changes().forEach(changes::add);
    ArrayNode reasons = o.putArray("reasons");
    answer.reasons().forEach(reasons::add);
    ArrayNode sentences = o.putArray("sentences");
    sentences().forEach(sentences::add);
    return o.toString();
  }

  private static void putRate(ObjectNode o, String prefix, ReadProbe.Rate r) {
    putNumber(o, prefix + "_mb_per_s", r.measured() ? round(r.megabytesPerSecond(), 1) : Double.NaN);
    putNumber(o, prefix + "_images_per_s", r.measured() ? round(r.imagesPerSecond(), 1) : Double.NaN);
    o.put(prefix + "_method", r.method());
  }

  private static void putNumber(ObjectNode o, String key, double value) {
    if (Double.isFinite(value)) {
      o.put(key, value);
    } else {
      o.putNull(key);
    }
  }

  private static void putBytes(ObjectNode o, String key, long bytes) {
    if (bytes >= 0) {
      o.put(key, bytes);
    } else {
      o.putNull(key);
    }
  }

  private static double round(double v, int places) {
    if (!Double.isFinite(v)) {
      return v;
    }
    double f = Math.pow(10, places);
    return Math.round(v * f) / f;
  }

  static String size(long bytes) {
    if (bytes < 0) {
      return "unknown";
    }
    return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30))
        : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
  }
}
