package io.github.cmaps.jmh.report;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/** Grouped bar charts (one bar per map in each category), written as PNG files with XChart. */
final class Charts {

  private static final int WIDTH = 1000;
  private static final int HEIGHT = 480;

  private Charts() {}

  /** Values of one chart: for each map (series, in order), one value per category. */
  static final class Data {
    final List<String> categories;
    final Map<String, List<Double>> values = new LinkedHashMap<>();
    final Map<String, List<Double>> errors = new LinkedHashMap<>();

    Data(List<String> categories) {
      this.categories = categories;
    }

    /** Adds a series; NaN values draw no bar, NaN errors draw no error bar. */
    void series(String name, List<Double> seriesValues, List<Double> seriesErrors) {
      values.put(name, seriesValues);
      errors.put(name, seriesErrors);
    }
  }

  /**
   * Writes {@code data} as a bar chart to {@code file} (which must end in {@code .png}).
   *
   * @param logarithmic whether the value axis is logarithmic (for latencies spanning decades)
   */
  static void write(Path file, String title, String valueAxis, Data data, boolean logarithmic)
      throws IOException {
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .yAxisTitle(valueAxis)
            .build();
    chart
        .getStyler()
        .setLegendPosition(Styler.LegendPosition.OutsideE)
        .setChartBackgroundColor(Color.WHITE)
        .setBaseFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12))
        .setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14))
        .setAntiAlias(true);
    chart
        .getStyler()
        .setYAxisLogarithmic(logarithmic)
        .setPlotGridVerticalLinesVisible(false)
        .setErrorBarsColorSeriesColor(false)
        .setErrorBarsColor(Color.DARK_GRAY);
    if (logarithmic) {
      // Bars start at the axis minimum, which must be positive on a logarithmic axis: the decade
      // below the smallest value.
      double smallest = Double.MAX_VALUE;
      for (List<Double> series : data.values.values()) {
        for (double v : series) {
          if (v > 0 && v < smallest) {
            smallest = v;
          }
        }
      }
      double floor =
          smallest == Double.MAX_VALUE ? 1 : Math.pow(10, Math.floor(Math.log10(smallest)));
      chart.getStyler().setYAxisMin(floor);
    }
    if (data.categories.size() > 4) {
      chart.getStyler().setXAxisLabelRotation(20);
    }
    for (Map.Entry<String, List<Double>> e : data.values.entrySet()) {
      List<Double> ys = new ArrayList<>();
      List<Double> errs = new ArrayList<>();
      List<Double> seriesErrors = data.errors.get(e.getKey());
      for (int i = 0; i < e.getValue().size(); i++) {
        double y = e.getValue().get(i);
        double err = seriesErrors == null ? Double.NaN : seriesErrors.get(i);
        // XChart needs a number for every category; a missing value becomes an empty bar (zero,
        // or a tiny positive number on a logarithmic axis, clipped by the axis minimum).
        ys.add(Double.isNaN(y) ? (logarithmic ? Double.MIN_NORMAL : 0.0) : y);
        errs.add(Double.isNaN(err) ? 0.0 : err);
      }
      if (logarithmic) {
        chart.addSeries(e.getKey(), data.categories, ys);
      } else {
        chart.addSeries(e.getKey(), data.categories, ys, errs);
      }
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    String name = file.toString();
    // BitmapEncoder appends the extension itself.
    BitmapEncoder.saveBitmap(
        chart, name.substring(0, name.length() - ".png".length()), BitmapEncoder.BitmapFormat.PNG);
  }
}
