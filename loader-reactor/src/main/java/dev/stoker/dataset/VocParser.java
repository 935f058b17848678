package dev.stoker.dataset;

import dev.stoker.api.LoaderException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import org.xml.sax.Attributes;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Reads Pascal VOC annotation files with the JDK's SAX parser, configured so that a file cannot
 * make it read anything else: DOCTYPE declarations are refused (so no external entity or DTD is
 * ever resolved), XInclude is off and secure processing is on.
 *
 * <p>Only what a detection loader needs is read: {@code annotation/filename}, {@code
 * annotation/size/width|height} and each {@code annotation/object}'s {@code name}, {@code
 * difficult} and {@code bndbox/xmin|ymin|xmax|ymax}. Everything else ({@code folder}, {@code
 * path}, {@code source}, an object's {@code part}s with their own boxes) is ignored. Errors name
 * the file, line and column. One parser per thread: it is not thread-safe.
 */
final class VocParser {
  /** One {@code object}: its class name and VOC box (1-based inclusive pixel indices, as written). */
  record VocObject(String name, double xmin, double ymin, double xmax, double ymax, boolean difficult, int line) { }

  /** One annotation file; width and height are 0 when the file does not state them. */
  record VocAnnotation(String filename, int width, int height, List<VocObject> objects) { }

  private final SAXParser parser;

  VocParser() {
    try {
      SAXParserFactory factory = SAXParserFactory.newInstance();
      factory.setNamespaceAware(false);
      factory.setValidating(false);
      factory.setXIncludeAware(false);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
      factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      this.parser = factory.newSAXParser();
    } catch (ParserConfigurationException | SAXException e) {
      throw new IllegalStateException("the JDK's XML parser refuses the secure settings: " + e, e);
    }
  }

  /**
   * Parses one annotation file.
   *
   * @throws LoaderException naming the file, line and column if it is not well-formed XML or not a
   *     VOC annotation (no {@code filename}, an object without a name or a numeric box); naming the
   *     file if it cannot be read
   */
  VocAnnotation parse(Path file) {
    Handler handler = new Handler();
    try (InputStream in = Files.newInputStream(file)) {
      parser.reset();
      parser.parse(in, handler);
    } catch (InvalidVoc e) {
      throw new LoaderException(file + ":" + e.getLineNumber() + ":" + e.getColumnNumber() + ": " + e.getMessage(), e);
    } catch (SAXParseException e) {
      throw new LoaderException(file + ":" + e.getLineNumber() + ":" + e.getColumnNumber() + ": malformed XML: "
          + e.getMessage(), e);
    } catch (SAXException e) {
      throw new LoaderException(file + ": malformed XML: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new LoaderException(file + ": cannot read: " + e.getMessage(), e);
    }
    return handler.result();
  }

  /** A well-formed file that is not a VOC annotation; carries the position like a parse error. */
  private static final class InvalidVoc extends SAXParseException {
    private static final long serialVersionUID = 1L;

    InvalidVoc(String message, Locator locator) {
      super(message, locator);
    }
  }

  /** Collects the fields it knows by their element path; depth 1 is the root. */
  private static final class Handler extends DefaultHandler {
    private final List<String> path = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private final List<VocObject> objects = new ArrayList<>();
    private Locator locator;
    private String filename;
    private int width;
    private int height;
    private String name;
    private final double[] box = new double[4];
    private int boxFields;
    private boolean difficult;
    private int objectLine;

    @Override
    public void setDocumentLocator(Locator locator) {
      this.locator = locator;
    }

    @Override
    public void startElement(String uri, String localName, String qName, Attributes attributes) throws SAXException {
      path.add(qName);
      text.setLength(0);
      if (path.size() == 1 && !qName.equals("annotation")) {
        throw new InvalidVoc("not a VOC annotation: the root element is <" + qName + ">, not <annotation>", locator);
      }
      if (at("annotation", "object")) {
        name = null;
        boxFields = 0;
        difficult = false;
        objectLine = locator.getLineNumber();
      }
    }

    @Override
    public void characters(char[] ch, int start, int length) {
      text.append(ch, start, length);
    }

    @Override
    public void endElement(String uri, String localName, String qName) throws SAXException {
      String value = text.toString().strip();
      if (at("annotation", "filename")) {
        filename = value;
      } else if (at("annotation", "size", "width")) {
        width = size(value, "width");
      } else if (at("annotation", "size", "height")) {
        height = size(value, "height");
      } else if (at("annotation", "object", "name")) {
        name = value;
      } else if (at("annotation", "object", "difficult")) {
        difficult = value.equals("1");
      } else if (path.size() == 4 && at3("annotation", "object", "bndbox")) {
        int field = switch (qName) {
          case "xmin" -> 0;
          case "ymin" -> 1;
          case "xmax" -> 2;
          case "ymax" -> 3;
          default -> -1;
        };
        if (field >= 0) {
          box[field] = number(value, qName);
          boxFields |= 1 << field;
        }
      } else if (at("annotation", "object")) {
        endObject();
      }
      path.removeLast();
      text.setLength(0);
    }

    private void endObject() throws InvalidVoc {
      if (name == null || name.isEmpty()) {
        throw new InvalidVoc("the <object> that starts on line " + objectLine + " has no <name>", locator);
      }
      if (boxFields != 0b1111) {
        throw new InvalidVoc("the <object> that starts on line " + objectLine
            + " lacks a <bndbox> with xmin, ymin, xmax and ymax", locator);
      }
      objects.add(new VocObject(name, box[0], box[1], box[2], box[3], difficult, objectLine));
    }

    @Override
    public void endDocument() throws SAXException {
      if (filename == null || filename.isEmpty()) {
        throw new InvalidVoc("not a VOC annotation: no <filename>", locator);
      }
    }

    private boolean at(String... names) {
      return path.equals(List.of(names));
    }

    private boolean at3(String a, String b, String c) {
      return path.get(0).equals(a) && path.get(1).equals(b) && path.get(2).equals(c);
    }

    private double number(String value, String element) throws InvalidVoc {
      try {
        double v = Double.parseDouble(value);
        if (Double.isFinite(v)) {
          return v;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new InvalidVoc("<" + element + "> must be a number, got '" + value + "'", locator);
    }

    private int size(String value, String element) throws InvalidVoc {
      double v = number(value, element);
      if (v < 0 || v > Integer.MAX_VALUE) {
        throw new InvalidVoc("<" + element + "> must not be negative, got '" + value + "'", locator);
      }
      return (int) Math.round(v);
    }

    VocAnnotation result() {
      return new VocAnnotation(filename, width, height, List.copyOf(objects));
    }
  }
}
