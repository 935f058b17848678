package dev.stoker.remote.client;

import dev.stoker.remote.protocol.DatasetIdentity;
import dev.stoker.remote.protocol.Message;
import dev.stoker.remote.protocol.Protocol;

/**
 * The rules every field a node sends must keep, checked against what the client asked for and
 * bounded by its own {@link RemoteOptions.Limits} before anything is allocated for it. Each check
 * returns why the frame breaks a rule, naming the message and the field ({@code "SAMPLE.label 7
 * outside [-1, 3)"}), or null if it keeps them all; {@link UpstreamSession} drops a node for the
 * first reason. Positions and indices are checked by {@link CreditLedger#misplaced}.
 */
final class FrameRules {
  private FrameRules() {}

  /** What a node says about its dataset, against the client's limits. */
  static String dataset(String type, String identity, int size, int classes, boolean hasBoxes, int maxBoxCount,
      RemoteOptions.Limits limits) {
    if (size > limits.maxDatasetSize()) {
      return "datasetSize " + size + " is more than this client's maxDatasetSize " + limits.maxDatasetSize()
          + " (RemoteOptions.Limits)";
    }
    if (classes > limits.maxClasses()) {
      return "classes: " + classes + " names, more than this client's maxClasses " + limits.maxClasses()
          + " (RemoteOptions.Limits)";
    }
    if (maxBoxCount > limits.maxBoxes()) {
      return "maxBoxCount " + maxBoxCount + " is more than this client's maxBoxes " + limits.maxBoxes()
          + " (RemoteOptions.Limits)";
    }
    if (!hasBoxes && maxBoxCount != 0) {
      return "maxBoxCount " + maxBoxCount + " for a dataset without boxes";
    }
    if (!DatasetIdentity.isWellFormed(identity, size)) {
      return type + ".datasetIdentity is not sha256:<24 hex digits>/" + size;
    }
    return null;
  }

  /** {@link #sample(Message.Sample, long, int, int, int)} for a session that agreed on no compression. */
  static String sample(Message.Sample s, long sampleBytes, int classes, int maxBoxes) {
    return sample(s, sampleBytes, classes, maxBoxes, Protocol.ENCODING_RAW);
  }

  /**
   * A SAMPLE's payload: raw pixels of exactly {@code sampleBytes}, or pixels in the session's
   * {@code agreed} encoding (their frame is checked by {@link PixelDecoder}, which bounds it by
   * {@code sampleBytes} before anything is allocated); a label in {@code [-1, classes)}, at most
   * {@code maxBoxes} boxes with finite coordinates and labels in {@code [-1, classes)}, and
   * {@code keptBoxes} at least the boxes sent.
   */
  static String sample(Message.Sample s, long sampleBytes, int classes, int maxBoxes, int agreed) {
    if (s.encoding() != Protocol.ENCODING_RAW && s.encoding() != agreed) {
      return "SAMPLE.encoding " + s.encoding() + " was not agreed for this session (READY.compression " + agreed + ")";
    }
    int pixelBytes = s.pixels().readableBytes();
    if (s.encoding() == Protocol.ENCODING_RAW && pixelBytes != sampleBytes) {
      return "SAMPLE.pixelBytes " + pixelBytes + ", not the " + sampleBytes + " this plan makes";
    }
    if (s.label() < -1 || s.label() >= classes) {
      return "SAMPLE.label " + s.label() + " outside [-1, " + classes + ")";
    }
    int boxCount = s.boxLabels().length;
    if (boxCount > maxBoxes) {
      return "SAMPLE.boxCount " + boxCount + " is more than the session's maxBoxes " + maxBoxes;
    }
    if (s.keptBoxes() < boxCount) {
      return "SAMPLE.keptBoxes " + s.keptBoxes() + " is less than boxCount " + boxCount;
    }
    float[] boxes = s.boxes();
    for (int k = 0; k < boxes.length; k++) {
      if (!Float.isFinite(boxes[k])) {
        return "SAMPLE.boxes[" + k + "] is " + boxes[k];
      }
    }
    int[] labels = s.boxLabels();
    for (int k = 0; k < labels.length; k++) {
      if (labels[k] < -1 || labels[k] >= classes) {
        return "SAMPLE.boxLabels[" + k + "] " + labels[k] + " outside [-1, " + classes + ")";
      }
    }
    return null;
  }
}
