package io.github.cmaps.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Number formatting and a plain aligned text table, the same in every locale. */
final class Text {

  private Text() {}

  /** {@code 1234567} as {@code "1,234,567"}. */
  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** {@code part} as a percentage of {@code whole}, for example {@code "26.6%"}. */
  static String percent(long part, long whole) {
    return whole == 0 ? "0%" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
  }

  /** A table whose first column is left-aligned and every other column right-aligned. */
  static final class Table {
    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
      rows.add(header);
    }

    void row(String... cells) {
      rows.add(cells);
    }

    List<String> lines() {
      int columns = rows.get(0).length;
      int[] width = new int[columns];
      for (String[] row : rows) {
        for (int c = 0; c < columns; c++) {
          width[c] = Math.max(width[c], row[c].length());
        }
      }
      List<String> lines = new ArrayList<>();
      for (int r = 0; r < rows.size(); r++) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < columns; c++) {
          String cell = rows.get(r)[c];
          String pad = " ".repeat(width[c] - cell.length());
          line.append(c == 0 ? "" : "  ").append(c == 0 ? cell + pad : pad + cell);
        }
        lines.add(line.toString().stripTrailing());
        if (r == 0) {
          int total = line.length();
          lines.add("-".repeat(total));
        }
      }
      return lines;
    }
  }
}
