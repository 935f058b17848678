package dev.stoker.dataset;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.stoker.api.LoaderException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a manifest, CSV or JSON Lines, one row at a time and hands each row to a {@link Rows}. This
 * class checks syntax and types (see {@link ManifestSource} for both formats); what the rows mean
 * (classes, missing files) is {@link ManifestRows}'s business. Every error names the file and the
 * line, and the column where it is known: {@code train.csv:7:12: ...}.
 */
final class ManifestParser {
  /** The largest integer label: classes are {@code "0".."max"}, so this bounds their list. */
  static final int MAX_INTEGER_LABEL = (1 << 20) - 1;
  /** The most labels one row may list ({@code cat|dog|...}), checked before they are split. */
  static final int MAX_LABELS_PER_ROW = 256;
  /** Separates a row's labels in a CSV label field. */
  static final char LABEL_SEPARATOR = '|';

  private static final JsonFactory JSON = new JsonFactory();
  private static final double[] NO_COORDS = new double[0];
  private static final Label[] NO_LABELS = new Label[0];
  private static final Set<String> COLUMNS = Set.of("path", "label", "boxes");

  /** A label as written: a class name, or (when {@code name} is null) a non-negative integer. */
  record Label(String name, int number) {
    boolean isName() {
      return name != null;
    }

    @Override
    public String toString() {
      return isName() ? "'" + name + "'" : Integer.toString(number);
    }
  }

  /** Receives the rows in file order. */
  interface Rows {
    /**
     * One row.
     *
     * @param labels the row's labels, in the order written; empty if it has none
     * @param coords 4 numbers per box: {@code x0 y0 x1 y1}
     * @param boxLabels one per box; null where the box gives none
     */
    void row(int line, String path, Label[] labels, double[] coords, Label[] boxLabels);
  }

  private final Path file;
  private final Rows rows;
  private int line;

  private ManifestParser(Path file, Rows rows) {
    this.file = file;
    this.rows = rows;
  }

  /** Whether {@code path}'s name ends in {@code .csv} or {@code .jsonl}, in any case. */
  static boolean isManifestName(Path path) {
    Path name = path.getFileName();
    String lower = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
    return lower.endsWith(".csv") || lower.endsWith(".jsonl");
  }

  /**
   * Reads {@code file} (by its extension, CSV or JSON Lines) into {@code rows}.
   *
   * @return whether the manifest gives boxes: a CSV header names a {@code boxes} column, or a JSON
   *     line has a {@code boxes} field
   * @throws LoaderException naming the file, line and column of a malformed row; naming the file
   *     if it cannot be read; naming the line of text that is not UTF-8
   */
  static boolean parse(Path file, Rows rows) {
    ManifestParser parser = new ManifestParser(file, rows);
    boolean csv = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
    // A decoder that replaces bad bytes, rather than one that throws: it reads ahead, so only the
    // line that holds the replacement tells where the bad bytes are.
    try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
        StandardCharsets.UTF_8))) {
      return csv ? parser.csv(in) : parser.jsonLines(in);
    } catch (IOException e) {
      throw new LoaderException(file + ": cannot read: " + ImageFiles.reason(e), e);
    }
  }

  // ---- CSV ----

  private boolean csv(BufferedReader in) throws IOException {
    String text = nextLine(in);
    if (text == null) {
      return false;
    }
    List<String> header = fields(text.startsWith("\uFEFF") ? text.substring(1) : text);
    Map<String, Integer> columns = new HashMap<>();
    for (int c = 0; c < header.size(); c++) {
      String name = header.get(c).toLowerCase(Locale.ROOT);
      if (columns.putIfAbsent(name, c) != null && COLUMNS.contains(name)) {
        throw error(0, "the header names column '" + name + "' twice");
      }
    }
    int pathColumn = columns.getOrDefault("path", -1);
    int labelColumn = columns.getOrDefault("label", -1);
    int boxesColumn = columns.getOrDefault("boxes", -1); // other columns are the user's own notes
    if (pathColumn < 0 || labelColumn < 0) {
      throw error(0, "the first line must be a header naming the columns path,label[,boxes]; got '" + text + "'");
    }
    while ((text = nextLine(in)) != null) {
      if (text.isBlank()) {
        continue;
      }
      List<String> fields = fields(text);
      if (fields.size() != header.size()) {
        throw error(0, "expected " + header.size() + " fields " + header + ", got " + fields.size());
      }
      String path = fields.get(pathColumn);
      if (path.isEmpty()) {
        throw error(0, "empty path");
      }
      Label[] labels = rowLabels(fields.get(labelColumn));
      if (boxesColumn < 0 || fields.get(boxesColumn).isBlank()) {
        rows.row(line, path, labels, NO_COORDS, NO_LABELS);
      } else {
        csvBoxes(path, labels, fields.get(boxesColumn));
      }
    }
    return boxesColumn >= 0;
  }

  /**
   * A CSV label field: empty is none, else one label or several separated by {@code |}
   * ({@code cat|dog}); their count is checked against {@link #MAX_LABELS_PER_ROW} before the field
   * is split, and an empty or repeated label is refused.
   */
  private Label[] rowLabels(String field) {
    if (field.isBlank()) {
      return NO_LABELS;
    }
    long count = field.chars().filter(ch -> ch == LABEL_SEPARATOR).count() + 1;
    if (count > MAX_LABELS_PER_ROW) {
      throw error(0, "label: " + count + " labels in one row, more than " + MAX_LABELS_PER_ROW);
    }
    if (count == 1) {
      return new Label[] {textLabel(field, "label")};
    }
    Label[] labels = new Label[(int) count];
    int start = 0;
    for (int k = 0; k < count; k++) {
      int end = field.indexOf(LABEL_SEPARATOR, start);
      String token = field.substring(start, end < 0 ? field.length() : end);
      Label label = textLabel(token, "label " + (k + 1));
      if (label == null) {
        throw error(0, "label " + (k + 1) + " of '" + field.strip() + "' is empty (labels are separated by '"
            + LABEL_SEPARATOR + "')");
      }
      labels[k] = label;
      start = end + 1;
    }
    return distinct(labels);
  }

  /** {@code labels}, refused if one is repeated. */
  private Label[] distinct(Label[] labels) {
    Set<Label> seen = new java.util.HashSet<>();
    for (Label label : labels) {
      if (!seen.add(label)) {
        throw error(0, "label " + label + " appears twice in the row");
      }
    }
    return labels;
  }

  /** {@code x0 y0 x1 y1 [label]} groups separated by {@code ;}. */
  private void csvBoxes(String path, Label[] label, String field) {
    List<double[]> coords = new ArrayList<>();
    List<Label> labels = new ArrayList<>();
    for (String group : field.split(";")) {
      if (group.isBlank()) {
        continue;
      }
      String[] parts = group.strip().split("\\s+");
      String box = "box " + (coords.size() + 1);
      if (parts.length != 4 && parts.length != 5) {
        throw error(0, box + " '" + group.strip() + "': expected 'x0 y0 x1 y1' or 'x0 y0 x1 y1 label'");
      }
      double[] xy = new double[4];
      for (int k = 0; k < 4; k++) {
        try {
          xy[k] = Double.parseDouble(parts[k]);
        } catch (NumberFormatException e) {
          throw error(0, box + ": '" + parts[k] + "' is not a number");
        }
      }
      coords.add(xy);
      labels.add(parts.length == 5 ? textLabel(parts[4], box + " label") : null);
    }
    double[] flat = new double[4 * coords.size()];
    for (int b = 0; b < coords.size(); b++) {
      System.arraycopy(coords.get(b), 0, flat, 4 * b, 4);
    }
    rows.row(line, path, label, flat, labels.toArray(Label[]::new));
  }

  /** A label in text: empty is none, digits are an integer, anything else a class name. */
  private Label textLabel(String token, String what) {
    String text = token.strip();
    if (text.isEmpty()) {
      return null;
    }
    boolean negative = text.startsWith("-") && text.length() > 1;
    if ((negative ? text.substring(1) : text).chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
      return integerLabel(negative ? -1 : parseOrMax(text), what, 0);
    }
    return new Label(text, -1);
  }

  private static long parseOrMax(String digits) {
    return digits.length() > 12 ? Long.MAX_VALUE : Long.parseLong(digits);
  }

  private Label integerLabel(long value, String what, int column) {
    if (value < 0 || value > MAX_INTEGER_LABEL) {
      throw error(column, what + ": an integer label must lie in [0, " + MAX_INTEGER_LABEL + "]");
    }
    return new Label(null, (int) value);
  }

  /** The fields of one CSV record: commas separate, double quotes quote, {@code ""} is a quote. */
  private List<String> fields(String text) {
    List<String> fields = new ArrayList<>();
    int n = text.length();
    int i = 0;
    while (true) {
      while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
        i++;
      }
      if (i < n && text.charAt(i) == '"') {
        int open = i++;
        StringBuilder field = new StringBuilder();
        while (true) {
          if (i >= n) {
            throw error(open + 1, "unterminated quoted field (a record must fit on one line)");
          }
          char ch = text.charAt(i++);
          if (ch != '"') {
            field.append(ch);
          } else if (i < n && text.charAt(i) == '"') {
            field.append('"');
            i++;
          } else {
            break;
          }
        }
        while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
          i++;
        }
        if (i < n && text.charAt(i) != ',') {
          throw error(i + 1, "unexpected '" + text.charAt(i) + "' after a quoted field");
        }
        fields.add(field.toString());
      } else {
        int comma = text.indexOf(',', i);
        int end = comma < 0 ? n : comma;
        int quote = text.indexOf('"', i);
        if (quote >= 0 && quote < end) {
          throw error(quote + 1, "a quote inside an unquoted field; quote the whole field and double the quote");
        }
        fields.add(text.substring(i, end).strip());
        i = end;
      }
      if (i >= n) {
        return fields;
      }
      i++; // the comma
    }
  }

  // ---- JSON Lines ----

  private boolean jsonLines(BufferedReader in) throws IOException {
    boolean boxes = false;
    String text;
    while ((text = nextLine(in)) != null) {
      if (text.isBlank()) {
        continue;
      }
      try (JsonParser json = JSON.createParser(line == 1 && text.startsWith("\uFEFF") ? text.substring(1) : text)) {
        boxes |= jsonRow(json);
      } catch (JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        throw error(at == null ? 0 : at.getColumnNr(), "malformed JSON: " + e.getOriginalMessage());
      }
    }
    return boxes;
  }

  /** Reads one line's object; returns whether it had a {@code boxes} field. */
  private boolean jsonRow(JsonParser json) throws IOException {
    if (json.nextToken() != JsonToken.START_OBJECT) {
      throw error(column(json), "expected one JSON object per line, like {\"path\": \"a.jpg\", \"label\": \"cat\"}");
    }
    String path = null;
    Label[] label = NO_LABELS;
    double[] coords = NO_COORDS;
    Label[] boxLabels = NO_LABELS;
    boolean boxes = false;
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String field = json.currentName();
      JsonToken value = json.nextToken();
      switch (field) {
        case "path" -> {
          if (value != JsonToken.VALUE_STRING || json.getText().isEmpty()) {
            throw error(column(json), "'path' must be a non-empty string");
          }
          path = json.getText();
        }
        case "label" -> label = value == JsonToken.VALUE_NULL ? NO_LABELS
            : value == JsonToken.START_ARRAY ? jsonLabels(json) : new Label[] {jsonLabel(json, "label")};
        case "boxes" -> {
          boxes = value != JsonToken.VALUE_NULL;
          if (boxes) {
            List<double[]> list = new ArrayList<>();
            List<Label> labels = new ArrayList<>();
            jsonBoxes(json, list, labels);
            coords = new double[4 * list.size()];
            for (int b = 0; b < list.size(); b++) {
              System.arraycopy(list.get(b), 0, coords, 4 * b, 4);
            }
            boxLabels = labels.toArray(Label[]::new);
          }
        }
        default -> json.skipChildren();
      }
    }
    if (json.nextToken() != null) {
      throw error(column(json), "more than one JSON value on the line");
    }
    if (path == null) {
      throw error(0, "no 'path'");
    }
    rows.row(line, path, label, coords, boxLabels);
    return boxes;
  }

  /** {@code [[x0, y0, x1, y1, label], ...]}; the label of a box may be left out. */
  private void jsonBoxes(JsonParser json, List<double[]> coords, List<Label> labels) throws IOException {
    String shape = "'boxes' must be an array of [x0, y0, x1, y1] or [x0, y0, x1, y1, label] arrays";
    if (json.currentToken() != JsonToken.START_ARRAY) {
      throw error(column(json), shape);
    }
    while (json.nextToken() != JsonToken.END_ARRAY) {
      String box = "box " + (coords.size() + 1);
      if (json.currentToken() != JsonToken.START_ARRAY) {
        throw error(column(json), shape);
      }
      double[] xy = new double[4];
      for (int k = 0; k < 4; k++) {
        JsonToken number = json.nextToken();
        if (number == null || !number.isNumeric()) {
          throw error(column(json), box + ": " + shape);
        }
        xy[k] = json.getDoubleValue();
      }
      Label label = null;
      JsonToken next = json.nextToken();
      if (next != JsonToken.END_ARRAY) {
        label = jsonLabel(json, box + " label");
        if (json.nextToken() != JsonToken.END_ARRAY) {
          throw error(column(json), box + ": " + shape);
        }
      }
      coords.add(xy);
      labels.add(label);
    }
  }

  /**
   * {@code "label": ["cat", "dog"]}: several labels, at most {@link #MAX_LABELS_PER_ROW} (counted
   * as they are read), none repeated; an empty array is no label.
   */
  private Label[] jsonLabels(JsonParser json) throws IOException {
    List<Label> labels = new ArrayList<>();
    while (json.nextToken() != JsonToken.END_ARRAY) {
      if (labels.size() == MAX_LABELS_PER_ROW) {
        throw error(column(json), "label: more than " + MAX_LABELS_PER_ROW + " labels in one row");
      }
      labels.add(jsonLabel(json, "label " + (labels.size() + 1)));
    }
    return distinct(labels.toArray(Label[]::new));
  }

  private Label jsonLabel(JsonParser json, String what) throws IOException {
    JsonToken token = json.currentToken();
    if (token == JsonToken.VALUE_STRING && !json.getText().isBlank()) {
      return new Label(json.getText().strip(), -1);
    }
    if (token == JsonToken.VALUE_NUMBER_INT) {
      return integerLabel(json.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? Long.MAX_VALUE
          : json.getLongValue(), what, column(json));
    }
    throw error(column(json), what + " must be a class name (a non-empty string) or a non-negative integer, got "
        + (token == null ? "nothing" : json.getText()));
  }

  private static int column(JsonParser json) {
    return json.currentTokenLocation().getColumnNr();
  }

  // ---- shared ----

  private String nextLine(BufferedReader in) throws IOException {
    String text = in.readLine();
    if (text != null) {
      line++;
      int bad = text.indexOf('\uFFFD');
      if (bad >= 0) {
        throw error(bad + 1, "not UTF-8 text");
      }
    }
    return text;
  }

  /** An error at the current line, and at {@code column} (1-based) if it is positive. */
  private LoaderException error(int column, String message) {
    return new LoaderException(file + ":" + line + (column > 0 ? ":" + column : "") + ": " + message);
  }
}
