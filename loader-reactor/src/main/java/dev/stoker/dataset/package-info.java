/**
 * Dataset formats: sources that read a dataset's files and give each sample's encoded image bytes,
 * label and boxes as a {@link dev.stoker.api.SampleSource}. {@link dev.stoker.dataset.ImageFolderSource}
 * (one directory per class), {@link dev.stoker.dataset.CocoSource} and
 * {@link dev.stoker.dataset.VocSource} (object detection), {@link dev.stoker.dataset.ManifestSource}
 * (a CSV or JSON Lines list of either), and {@link dev.stoker.dataset.Datasets}, which tells them
 * apart by a directory's layout, as the {@code stoker} command does.
 *
 * <pre>{@code
 * SampleSource train = Datasets.open(Path.of("/data/train"));   // ImageFolder, COCO, VOC or a .csv/.jsonl
 * ByteBuffer jpeg = train.read(0);                               // the file's bytes, not decoded
 * float[] boxes = new float[4 * train.maxBoxCount()];
 * int[] labels = new int[train.maxBoxCount()];
 * int n = train.copyBoxes(0, boxes, labels);                     // 0 for a classification source
 * }</pre>
 *
 * <p>This package knows nothing of the loader: it imports only {@code dev.stoker.api}, the JDK and
 * Jackson, never {@code dev.stoker.pipeline} or {@code dev.stoker.image}. Decoding, augmentation
 * and batching happen downstream, on whatever {@code SampleSource} they are given.
 *
 * <p>Adding a format ({@code FooSource}):
 *
 * <ul>
 *   <li>A public final class with static {@code open(...)} factories, Javadoc with the format's
 *       rules and an example. It parses everything once, at open, into arrays (no object per box:
 *       datasets have millions), then calls the constructor of the package-private
 *       {@code FileSource} with the image paths, labels, class names, the boxes (a
 *       {@code BoxTable}, or null for a classification format) and the problems; {@code FileSource}
 *       then answers size, names, labels, reads, boxes, warnings and the description the same way
 *       for every format. A detection-only format extends {@link dev.stoker.dataset.DetectionSource}
 *       instead (labels are the first box's, boxes always present) and is added to its
 *       {@code permits}.
 *   <li>Parsing lives in a package-private {@code FooParser} that streams (a COCO train file is
 *       hundreds of MB): Jackson's streaming parser for JSON, SAX for XML ({@code VocParser} shows
 *       the settings that keep an XML file from reading anything else).
 *   <li>Errors: a missing or malformed input throws {@link dev.stoker.api.LoaderException} whose
 *       message starts with the path (and line, column where known); arguments are checked with
 *       {@code dev.stoker.api.internal.Checks}, naming the parameter. {@code ImageFiles} checks
 *       files and directories and reads images with those messages. A problem that should not stop
 *       opening (an annotation naming a missing image, an empty box) goes into a
 *       {@code SourceProblems}: it shows in {@code warnings()} and the description, capped so a
 *       broken file cannot flood memory.
 *   <li>Image names read from a file are untrusted ({@link dev.stoker.dataset.SourceOptions}): check
 *       each with {@code ImagePaths.refusal} (relative, inside the directory, no control
 *       characters), skip a refused one with a warning that quotes it with {@code ImagePaths.quote},
 *       and give {@code FileSource} the directory the images must stay in, so that reads refuse a
 *       symbolic link that leads outside. Reads open regular files only, up to the options' size cap.
 *       Take a {@code SourceOptions} in an {@code open} overload.
 *   <li>Boxes are {@code x0, y0, x1, y1} in continuous 0-based source pixels (see
 *       {@link dev.stoker.api.SampleSource}); {@code BoxTable.Builder#add} converts nothing but
 *       clips to the stated image size and refuses empty or non-finite boxes, so convert the
 *       format's convention first (VOC's are 1-based inclusive: {@code x0 = xmin - 1, x1 = xmax}).
 *   <li>Listing a large directory tree: {@code DirectoryEntries} (one {@code readdir} per
 *       directory, no {@code stat} per plain file on Linux).
 *   <li>If {@code stoker} should recognise the layout by itself, add it to
 *       {@link dev.stoker.dataset.Datasets#detect} and {@code open}; tests go in
 *       {@code src/test/java/dev/stoker/dataset/FooSourceTest}, built from small files written
 *       into a temporary directory.
 * </ul>
 */
package dev.stoker.dataset;
