package io.github.cmaps.jmh.report;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Concatenates JMH JSON result files (each an array of benchmark results) into one, so that a
 * profile run as several JMH invocations yields one results file.
 *
 * <p>Usage: {@code MergeResults OUT.json IN.json...}. Missing or empty inputs are skipped.
 */
public final class MergeResults {

  private MergeResults() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      throw new IllegalArgumentException("usage: MergeResults OUT.json IN.json...");
    }
    JsonArray merged = new JsonArray();
    for (int i = 1; i < args.length; i++) {
      Path in = Path.of(args[i]);
      if (!Files.exists(in) || Files.size(in) == 0) {
        System.err.println("skipping missing or empty " + in);
        continue;
      }
      try (Reader r = Files.newBufferedReader(in, StandardCharsets.UTF_8)) {
        merged.addAll(JsonParser.parseReader(r).getAsJsonArray());
      }
    }
    try (Writer w = Files.newBufferedWriter(Path.of(args[0]), StandardCharsets.UTF_8)) {
      // JMH writes NaN for a missing error; keep such values as they are.
      new GsonBuilder()
          .setPrettyPrinting()
          .serializeSpecialFloatingPointValues()
          .create()
          .toJson(merged, w);
    }
    System.out.println("merged " + merged.size() + " results into " + args[0]);
  }
}
