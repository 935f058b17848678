package dev.stoker.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.LoaderException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** COCO instances files written by the tests: conversion, labels, what is kept, skipped or refused. */
class CocoSourceTest {
  @TempDir
  Path dir;
  private Path images;

  @BeforeEach
  void makeImageDir() throws IOException {
    images = Files.createDirectories(dir.resolve("images"));
  }

  private Path json(String text) throws IOException {
    return Files.writeString(dir.resolve("annotations.json"), text);
  }

  private static final String CATEGORIES = """
      "categories": [{"id": 7, "name": "cat"}, {"id": 3, "name": "dog"}, {"id": 90, "name": "zebra"}]""";

  private static float[] boxes(CocoSource source, int index) {
    float[] out = new float[4 * source.maxBoxCount()];
    int n = source.copyBoxes(index, out, new int[source.maxBoxCount()]);
    return java.util.Arrays.copyOf(out, 4 * n);
  }

  private static int[] labels(CocoSource source, int index) {
    int[] out = new int[source.maxBoxCount()];
    int n = source.copyBoxes(index, new float[4 * source.maxBoxCount()], out);
    return java.util.Arrays.copyOf(out, n);
  }

  @Test
  void open_bboxXywh_becomesCornersInSourcePixels() throws IOException {
    Path file = json("""
        {"images": [{"id": 1, "file_name": "a.jpg", "width": 100, "height": 80}],
         "annotations": [{"id": 5, "image_id": 1, "category_id": 3, "bbox": [10.5, 20, 30, 40.25], "iscrowd": 0}],
        %s}""".formatted(CATEGORIES));

    CocoSource source = CocoSource.open(file, images);

    assertThat(source.size()).isEqualTo(1);
    assertThat(source.hasBoxes()).isTrue();
    assertThat(source.boxCount(0)).isEqualTo(1);
    assertThat(boxes(source, 0)).containsExactly(10.5f, 20f, 40.5f, 60.25f);
    assertThat(source.sourceName(0)).isEqualTo(images.resolve("a.jpg").toString());
  }

  @Test
  void open_categoryIdsWithGapsOutOfOrder_mapToContiguousLabelsInIdOrder() throws IOException {
    Path file = json("""
        {"images": [{"id": 1, "file_name": "a.jpg"}],
         "annotations": [
           {"id": 1, "image_id": 1, "category_id": 90, "bbox": [0, 0, 5, 5]},
           {"id": 2, "image_id": 1, "category_id": 3, "bbox": [1, 1, 5, 5]},
           {"id": 3, "image_id": 1, "category_id": 7, "bbox": [2, 2, 5, 5]}],
        %s}""".formatted(CATEGORIES));

    CocoSource source = CocoSource.open(file, images);

    assertThat(source.classes()).containsExactly("dog", "cat", "zebra");
    assertThat(labels(source, 0)).containsExactly(2, 0, 1);
    assertThat(source.label(0)).isEqualTo(2);
  }

  @Test
  void open_annotationsBeforeImagesAndOtherFields_groupedBySampleInFileOrder() throws IOException {
    Path file = json("""
        {"info": {"year": 2017, "nested": {"a": [1, 2]}}, "licenses": [{"id": 1}],
         "annotations": [
           {"id": 1, "image_id": 20, "category_id": 3, "bbox": [0, 0, 4, 4], "segmentation": [[0, 0, 4, 0, 4, 4]]},
           {"id": 2, "image_id": 10, "category_id": 7, "bbox": [1, 1, 4, 4]},
           {"id": 3, "image_id": 20, "category_id": 7, "bbox": [2, 2, 4, 4]}],
         "images": [{"id": 20, "file_name": "b.jpg"}, {"id": 10, "file_name": "sub/a.jpg"}],
        %s}""".formatted(CATEGORIES));

    CocoSource source = CocoSource.open(file, images);

    assertThat(source.sourceName(0)).endsWith("b.jpg");
    assertThat(source.imagePath(1)).isEqualTo(images.resolve("sub/a.jpg"));
    assertThat(labels(source, 0)).containsExactly(0, 1);
    assertThat(boxes(source, 0)).containsExactly(0, 0, 4, 4, 2, 2, 6, 6);
    assertThat(labels(source, 1)).containsExactly(1);
    assertThat(source.maxBoxCount()).isEqualTo(2);
    assertThat(source.totalBoxes()).isEqualTo(3);
  }

  @Test
  void open_imageWithoutAnnotations_isKeptWithNoBoxesAndLabelMinusOne() throws IOException {
    Path file = json("""
        {"images": [{"id": 1, "file_name": "a.jpg"}, {"id": 2, "file_name": "empty.jpg"}],
         "annotations": [{"id": 1, "image_id": 1, "category_id": 3, "bbox": [0, 0, 5, 5]}],
        %s}""".formatted(CATEGORIES));

    CocoSource source = CocoSource.open(file, images);

    assertThat(source.size()).isEqualTo(2);
    assertThat(source.boxCount(1)).isZero();
    assertThat(source.label(1)).isEqualTo(-1);
    assertThat(source.copyBoxes(1, new float[0], new int[0])).isZero();
  }

  @Test
  void open_annotationOfMissingImage_isReportedInWarningsAndDescriptionNotThrown() throws IOException {
    Path file = json("""
        {"images": [{"id": 1, "file_name": "a.jpg"}],
         "annotations": [
           {"id": 1, "image_id": 1, "category_id": 3, "bbox": [0, 0, 5, 5]},
           {"id": 17, "image_id": 99, "category_id": 3, "bbox": [0, 0, 5, 5]}],
        %s}""".formatted(CATEGORIES));

    CocoSource source = CocoSource.open(file, images);

    assertThat(source.totalBoxes()).isEqualTo(1);
    assertThat(source.warnings()).singleElement().asString()
        .contains("annotation 17", "line 4", "image_id 99", "skipped");
    assertThat(source.description()).contains("1 problem", "image_id 99");
  }

  @Test
  void open_unknownCategory_isReportedAndSkipped() throws IOException {
    Path file = json("""
        {"images": [{"id": 1, "file_name": "a.jpg"}],
         "annotations": [{"id": 4, "image_id": 1, "category_id": 5, "bbox": [0, 0, 5, 5]}],
        %s}""".formatted(CATEGORIES));

    CocoSource source = CocoSource.open(file, images);

    assertThat(source.totalBoxes()).isZero();
    assertThat(source.warnings()).singleElement().asString().contains("annotation 4", "category_id 5");
  }

  @Test
  void open_crowdAnnotation_isSkippedAndCountedInTheDescription() throws IOException {
    Path file = json("""
        {"images": [{"id": 1, "file_name": "a.jpg"}],
         "annotations": [
           {"id": 1, "image_id": 1, "category_id": 3, "bbox": [0, 0, 5, 5], "iscrowd": 1},
           {"id": 2, "image_id": 1, "category_id": 7, "bbox": [0, 0, 5, 5], "iscrowd": 0}],
        %s}""".formatted(CATEGORIES));

    CocoSource source = CocoSource.open(file, images);

    assertThat(labels(source, 0)).containsExactly(1);
    assertThat(source.warnings()).isEmpty();
    assertThat(source.description()).contains("1 crowd annotations skipped");
  }

  @Test
  void open_boxesBeyondTheImageOrEmpty_areClippedOrReported() throws IOException {
    Path file = json("""
        {"images": [{"id": 1, "file_name": "a.jpg", "width": 50, "height": 40}],
         "annotations": [
           {"id": 1, "image_id": 1, "category_id": 3, "bbox": [-5, 30, 70, 20]},
           {"id": 2, "image_id": 1, "category_id": 3, "bbox": [10, 10, 0, 5]},
           {"id": 3, "image_id": 1, "category_id": 3, "bbox": [60, 10, 5, 5]}],
        %s}""".formatted(CATEGORIES));

    CocoSource source = CocoSource.open(file, images);

    assertThat(boxes(source, 0)).containsExactly(0, 30, 50, 40);
    assertThat(source.warnings()).hasSize(2).allSatisfy(w -> assertThat(w).contains("empty box"));
  }

  @Test
  void open_boxesAboveOrBelowTheImage_topAndBottomEdgesAreClipped() throws IOException {
    Path file = json("""
        {"images": [{"id": 1, "file_name": "a.jpg", "width": 50, "height": 40}],
         "annotations": [
           {"id": 1, "image_id": 1, "category_id": 3, "bbox": [10, -8, 20, 20]},
           {"id": 2, "image_id": 1, "category_id": 3, "bbox": [5, 30, 10, 25]}],
        %s}""".formatted(CATEGORIES));

    CocoSource source = CocoSource.open(file, images);

    assertThat(boxes(source, 0)).containsExactly(10, 0, 30, 12, 5, 30, 15, 40);
    assertThat(source.warnings()).isEmpty();
  }

  @Test
  void open_malformedJson_failsNamingFileLineAndColumn() throws IOException {
    Path file = json("""
        {"images": [{"id": 1, "file_name": "a.jpg"}],
         "annotations": [
           {"id": 1, "image_id": 1 "category_id": 3}],
        %s}""".formatted(CATEGORIES));

    assertThatThrownBy(() -> CocoSource.open(file, images))
        .isInstanceOf(LoaderException.class)
        .hasMessageStartingWith(file + ":3:")
        .hasMessageContaining("malformed JSON");
  }

  @Test
  void open_truncatedJson_failsNamingFileAndLine() throws IOException {
    Path file = json("{\"images\": [{\"id\": 1,\n \"file_name\": \"a.jpg\"}");

    assertThatThrownBy(() -> CocoSource.open(file, images))
        .isInstanceOf(LoaderException.class)
        .hasMessageStartingWith(file + ":2:")
        .hasMessageContaining("malformed JSON");
  }

  @Test
  void open_annotationWithoutBbox_failsNamingFileLineAndColumn() throws IOException {
    Path file = json("""
        {"images": [{"id": 1, "file_name": "a.jpg"}],
         "annotations": [{"id": 1, "image_id": 1, "category_id": 3},
           {"id": 2, "image_id": 1, "category_id": 3, "bbox": [1, 2, "3", 4]}],
        %s}""".formatted(CATEGORIES));

    assertThatThrownBy(() -> CocoSource.open(file, images))
        .isInstanceOf(LoaderException.class)
        .hasMessageStartingWith(file + ":2:18: annotation 1: 'bbox' must be");
  }

  @Test
  void open_wrongTypes_failNamingTheField() throws IOException {
    Path noId = json("{\"images\": [{\"id\": \"one\", \"file_name\": \"a.jpg\"}]}");
    assertThatThrownBy(() -> CocoSource.open(noId, images)).hasMessageContaining("'id' must be an integer");

    Path noName = json("{\"images\": [{\"id\": 1}]}");
    assertThatThrownBy(() -> CocoSource.open(noName, images)).hasMessageContaining("no file_name");

    Path notArray = json("{\"images\": {\"id\": 1}}");
    assertThatThrownBy(() -> CocoSource.open(notArray, images)).hasMessageContaining("'images' must be an array");

    Path twice = json("{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\"}, {\"id\": 1, \"file_name\": \"b.jpg\"}]}");
    assertThatThrownBy(() -> CocoSource.open(twice, images)).hasMessageContaining("image id 1 appears twice");

    Path array = json("[]");
    assertThatThrownBy(() -> CocoSource.open(array, images)).hasMessageContaining(":1:1: expected a JSON object");
  }

  @Test
  void open_noImages_failsNamingTheFile() throws IOException {
    Path file = json("{\"images\": [], " + CATEGORIES + "}");

    assertThatThrownBy(() -> CocoSource.open(file, images))
        .isInstanceOf(LoaderException.class)
        .hasMessageStartingWith(file.toString())
        .hasMessageContaining("no images");
  }

  @Test
  void open_missingFileOrDirectory_failsNamingThePath() throws IOException {
    Path file = json("{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\"}]}");
    Path missingDir = dir.resolve("nope");
    Path missingFile = dir.resolve("missing.json");

    assertThatThrownBy(() -> CocoSource.open(file, missingDir))
        .isInstanceOf(LoaderException.class)
        .hasMessage(missingDir + ": no such directory");
    assertThatThrownBy(() -> CocoSource.open(missingFile, images))
        .isInstanceOf(LoaderException.class)
        .hasMessage(missingFile + ": no such file");
    assertThatThrownBy(() -> CocoSource.open(images, images))
        .hasMessage(images + ": not a file");
  }

  @Test
  void read_missingImageFile_failsNamingThePath() throws IOException {
    Path file = json("{\"images\": [{\"id\": 1, \"file_name\": \"gone.jpg\"}, {\"id\": 2, \"file_name\": \"here.jpg\"}]}");
    Files.write(images.resolve("here.jpg"), new byte[] {1, 2, 3});
    CocoSource source = CocoSource.open(file, images);

    assertThatThrownBy(() -> source.read(0))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(images.resolve("gone.jpg").toString());
    assertThat(source.read(1).remaining()).isEqualTo(3);
  }

  @Test
  void copyBoxes_arrayTooShort_throwsIndexOutOfBounds() throws IOException {
    Path file = json("""
        {"images": [{"id": 1, "file_name": "a.jpg"}],
         "annotations": [{"id": 1, "image_id": 1, "category_id": 3, "bbox": [0, 0, 5, 5]},
                         {"id": 2, "image_id": 1, "category_id": 3, "bbox": [0, 0, 5, 5]}],
        %s}""".formatted(CATEGORIES));
    CocoSource source = CocoSource.open(file, images);

    assertThatThrownBy(() -> source.copyBoxes(0, new float[4], new int[2]))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
