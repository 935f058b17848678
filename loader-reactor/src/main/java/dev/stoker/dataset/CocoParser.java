package dev.stoker.dataset;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stoker.api.LoaderException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a COCO instances file with Jackson's streaming parser: the top-level object is walked
 * field by field and only one element of {@code images}, {@code annotations} or {@code categories}
 * is a tree at a time, so a COCO train file (hundreds of MB) never sits in memory as a tree. Other
 * top-level fields ({@code info}, {@code licenses}) are skipped.
 *
 * <p>This class checks syntax and types; what the entries mean (which image an annotation belongs
 * to) is {@link CocoSource}'s business. Every error names the file and the line and column of the
 * offending entry.
 */
final class CocoParser {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** One {@code images} entry, on {@code line} of the file; width and height are 0 when absent. */
  record Image(long id, String fileName, int width, int height, int line) { }

  /** One {@code categories} entry. */
  record Category(long id, String name) { }

  /** The {@code annotations} entries as parallel arrays: a COCO file has hundreds of thousands. */
  static final class Annotations {
    int size;
    long[] ids = new long[64];
    long[] imageIds = new long[64];
    long[] categoryIds = new long[64];
    double[] bboxes = new double[64 * 4];
    boolean[] crowd = new boolean[64];
    int[] lines = new int[64];

    private void add(long id, long imageId, long categoryId, double[] bbox, boolean isCrowd, int line) {
      if (size == ids.length) {
        int n = size * 2;
        ids = Arrays.copyOf(ids, n);
        imageIds = Arrays.copyOf(imageIds, n);
        categoryIds = Arrays.copyOf(categoryIds, n);
        bboxes = Arrays.copyOf(bboxes, n * 4);
        crowd = Arrays.copyOf(crowd, n);
        lines = Arrays.copyOf(lines, n);
      }
      ids[size] = id;
      imageIds[size] = imageId;
      categoryIds[size] = categoryId;
      System.arraycopy(bbox, 0, bboxes, size * 4, 4);
      crowd[size] = isCrowd;
      lines[size] = line;
      size++;
    }
  }

  /** What the file holds, in file order. */
  record Parsed(List<Image> images, List<Category> categories, Annotations annotations) { }

  private final Path file;
  private final List<Image> images = new ArrayList<>();
  private final Set<Long> imageIds = new HashSet<>();
  private final List<Category> categories = new ArrayList<>();
  private final Set<Long> categoryIds = new HashSet<>();
  private final Annotations annotations = new Annotations();
  private final double[] bbox = new double[4];

  private CocoParser(Path file) {
    this.file = file;
  }

  /**
   * Parses {@code file}.
   *
   * @throws LoaderException naming the file, line and column if it is not valid JSON or an entry
   *     lacks a required field or has one of the wrong type; naming the file if it cannot be read
   */
  static Parsed parse(Path file) {
    CocoParser parser = new CocoParser(file);
    try (InputStream in = Files.newInputStream(file); JsonParser json = MAPPER.createParser(in)) {
      parser.document(json);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : at.getLineNr() + ":" + at.getColumnNr() + ":";
      throw new LoaderException(file + ":" + where + " malformed JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new LoaderException(file + ": cannot read: " + e.getMessage(), e);
    }
    return new Parsed(List.copyOf(parser.images), List.copyOf(parser.categories), parser.annotations);
  }

  private void document(JsonParser json) throws IOException {
    if (json.nextToken() != JsonToken.START_OBJECT) {
      throw error(json.currentTokenLocation(), "expected a JSON object with images, annotations and categories");
    }
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String field = json.currentName();
      JsonToken value = json.nextToken();
      switch (field) {
        case "images" -> elements(json, field, value, this::image);
        case "annotations" -> elements(json, field, value, this::annotation);
        case "categories" -> elements(json, field, value, this::category);
        default -> json.skipChildren();
      }
    }
    if (json.nextToken() != null) {
      throw error(json.currentTokenLocation(), "unexpected content after the top-level object");
    }
  }

  @FunctionalInterface
  private interface Element {
    void accept(JsonNode node, JsonLocation at);
  }

  private void elements(JsonParser json, String field, JsonToken value, Element element) throws IOException {
    if (value != JsonToken.START_ARRAY) {
      throw error(json.currentTokenLocation(), "'" + field + "' must be an array");
    }
    while (json.nextToken() != JsonToken.END_ARRAY) {
      JsonLocation at = json.currentTokenLocation();
      JsonNode node = json.readValueAsTree();
      if (!node.isObject()) {
        throw error(at, "every element of '" + field + "' must be an object, got " + node.getNodeType());
      }
      element.accept(node, at);
    }
  }

  private void image(JsonNode node, JsonLocation at) {
    long id = integer(node, "id", at, "image");
    String fileName = node.path("file_name").isTextual() ? node.get("file_name").asText() : "";
    if (fileName.isBlank()) {
      throw error(at, "image " + id + " has no file_name (a non-empty string)");
    }
    if (!imageIds.add(id)) {
      throw error(at, "image id " + id + " appears twice");
    }
    images.add(new Image(id, fileName, optionalSize(node, "width", at), optionalSize(node, "height", at),
        at.getLineNr()));
  }

  private void annotation(JsonNode node, JsonLocation at) {
    long id = node.path("id").isIntegralNumber() ? node.get("id").asLong() : -1;
    String what = id >= 0 ? "annotation " + id : "annotation";
    long imageId = integer(node, "image_id", at, what);
    long categoryId = integer(node, "category_id", at, what);
    JsonNode box = node.path("bbox");
    if (!box.isArray() || box.size() != 4) {
      throw error(at, what + ": 'bbox' must be an array of 4 numbers [x, y, width, height]");
    }
    for (int i = 0; i < 4; i++) {
      if (!box.get(i).isNumber()) {
        throw error(at, what + ": 'bbox' must be an array of 4 numbers [x, y, width, height], got " + box);
      }
      bbox[i] = box.get(i).asDouble();
    }
    JsonNode crowd = node.path("iscrowd");
    boolean isCrowd = crowd.isBoolean() ? crowd.asBoolean() : crowd.isNumber() && crowd.asInt() != 0;
    annotations.add(id, imageId, categoryId, bbox, isCrowd, at.getLineNr());
  }

  private void category(JsonNode node, JsonLocation at) {
    long id = integer(node, "id", at, "category");
    String name = node.path("name").isTextual() ? node.get("name").asText() : "";
    if (name.isBlank()) {
      throw error(at, "category " + id + " has no name (a non-empty string)");
    }
    if (!categoryIds.add(id)) {
      throw error(at, "category id " + id + " appears twice");
    }
    categories.add(new Category(id, name));
  }

  private long integer(JsonNode node, String field, JsonLocation at, String what) {
    JsonNode value = node.path(field);
    if (!value.isIntegralNumber()) {
      String got = value.isMissingNode() ? "nothing" : value.toString();
      throw error(at, what + ": '" + field + "' must be an integer, got " + got);
    }
    return value.asLong();
  }

  private int optionalSize(JsonNode node, String field, JsonLocation at) {
    JsonNode value = node.path(field);
    if (value.isMissingNode() || value.isNull()) {
      return 0;
    }
    if (!value.isNumber() || value.asDouble() < 0 || value.asDouble() > Integer.MAX_VALUE) {
      throw error(at, "image: '" + field + "' must be a non-negative number, got " + value);
    }
    return (int) Math.round(value.asDouble());
  }

  private LoaderException error(JsonLocation at, String message) {
    return new LoaderException(file + ":" + at.getLineNr() + ":" + at.getColumnNr() + ": " + message);
  }
}
