package dev.stoker.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The layout rule: annotations.json means COCO, XML files mean VOC, anything else is an ImageFolder. */
class DatasetsTest {
  private static final String COCO = """
      {"images": [{"id": 1, "file_name": "a.jpg"}],
       "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 4, 4]}],
       "categories": [{"id": 1, "name": "thing"}]}""";
  private static final String VOC = "<annotation><filename>a.jpg</filename><object><name>thing</name>"
      + "<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>4</xmax><ymax>4</ymax></bndbox></object></annotation>";

  @TempDir
  Path dir;

  @Test
  void detect_annotationsJson_isCocoWithImagesInTheImagesDirectory() throws IOException {
    Files.writeString(dir.resolve("annotations.json"), COCO);
    Files.createDirectories(dir.resolve("images"));

    SampleSource source = Datasets.open(dir);

    assertThat(Datasets.detect(dir)).isEqualTo(Datasets.Layout.COCO);
    assertThat(source).isInstanceOf(CocoSource.class);
    assertThat(source.sourceName(0)).isEqualTo(dir.resolve("images").resolve("a.jpg").toString());
  }

  @Test
  void detect_annotationsJsonWithoutImagesDirectory_isCocoWithImagesBesideIt() throws IOException {
    Files.writeString(dir.resolve("annotations.json"), COCO);

    assertThat(Datasets.open(dir).sourceName(0)).isEqualTo(dir.resolve("a.jpg").toString());
  }

  @Test
  void detect_xmlFilesOrAnnotationsDirectory_isVoc() throws IOException {
    Path flat = Files.createDirectories(dir.resolve("flat"));
    Files.writeString(flat.resolve("a.xml"), VOC);
    Files.writeString(flat.resolve("a.jpg"), "jpeg");
    Path devkit = Files.createDirectories(dir.resolve("devkit").resolve("Annotations"));
    Files.writeString(devkit.resolve("a.xml"), VOC);
    Files.createDirectories(devkit.resolveSibling("JPEGImages"));
    Files.writeString(devkit.resolveSibling("JPEGImages").resolve("a.jpg"), "jpeg");

    assertThat(Datasets.detect(flat)).isEqualTo(Datasets.Layout.VOC);
    assertThat(Datasets.detect(devkit.getParent())).isEqualTo(Datasets.Layout.VOC);
    assertThat(Datasets.open(flat)).isInstanceOf(VocSource.class);
    assertThat(Datasets.open(devkit.getParent()).boxCount(0)).isEqualTo(1);
  }

  @Test
  void detect_classDirectories_isImageFolder() throws IOException {
    Path cls = Files.createDirectories(dir.resolve("cat"));
    Files.write(cls.resolve("1.jpg"), new byte[] {1});

    assertThat(Datasets.detect(dir)).isEqualTo(Datasets.Layout.IMAGE_FOLDER);
    assertThat(Datasets.open(dir)).isInstanceOf(ImageFolderSource.class);
  }

  @Test
  void open_annotationsAndImages_fileIsCocoDirectoryIsVoc() throws IOException {
    Path json = Files.writeString(dir.resolve("instances.json"), COCO);
    Path xmls = Files.createDirectories(dir.resolve("xml"));
    Files.writeString(xmls.resolve("a.xml"), VOC);
    Path images = Files.createDirectories(dir.resolve("pictures"));

    assertThat(Datasets.open(json, images)).isInstanceOf(CocoSource.class);
    assertThat(Datasets.open(xmls, images)).isInstanceOf(VocSource.class);
    assertThat(Datasets.open(xmls, images).sourceName(0)).isEqualTo(images.resolve("a.jpg").toString());
  }

  @Test
  void detect_csvOrJsonlFile_isManifest() throws IOException {
    Files.write(dir.resolve("a.jpg"), new byte[] {1});
    Path csv = Files.writeString(dir.resolve("train.csv"), "path,label\na.jpg,cat\n");
    Path jsonl = Files.writeString(dir.resolve("train.JSONL"), "{\"path\": \"a.jpg\", \"label\": 0}\n");

    assertThat(Datasets.detect(csv)).isEqualTo(Datasets.Layout.MANIFEST);
    assertThat(Datasets.detect(jsonl)).isEqualTo(Datasets.Layout.MANIFEST);
    assertThat(Datasets.open(csv)).isInstanceOf(ManifestSource.class);
    assertThat(Datasets.open(jsonl).sourceName(0)).isEqualTo(dir.resolve("a.jpg").toString());
  }

  @Test
  void detect_directoryNamedLikeAManifest_isADirectory() throws IOException {
    Path cls = Files.createDirectories(dir.resolve("data.csv").resolve("cat"));
    Files.write(cls.resolve("1.jpg"), new byte[] {1});

    assertThat(Datasets.detect(dir.resolve("data.csv"))).isEqualTo(Datasets.Layout.IMAGE_FOLDER);
  }

  @Test
  void detect_missingManifestOrOtherFile_failsNamingIt() throws IOException {
    Path missing = dir.resolve("gone.jsonl");
    Path other = Files.writeString(dir.resolve("list.txt"), "a.jpg\n");

    assertThatThrownBy(() -> Datasets.open(missing)).isInstanceOf(LoaderException.class)
        .hasMessage(missing + ": no such file");
    assertThatThrownBy(() -> Datasets.detect(other)).isInstanceOf(LoaderException.class)
        .hasMessage(other + ": not a directory");
  }

  @Test
  void open_missingPaths_failNamingThem() {
    Path missing = dir.resolve("missing");

    assertThatThrownBy(() -> Datasets.detect(missing)).isInstanceOf(LoaderException.class)
        .hasMessage(missing + ": no such directory");
    assertThatThrownBy(() -> Datasets.open(missing, dir)).hasMessage(missing + ": no such file");
    assertThatThrownBy(() -> Datasets.open(dir.resolve("x.json"), missing)).hasMessageContaining("x.json");
  }
}
