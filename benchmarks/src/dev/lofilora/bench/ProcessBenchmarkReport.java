package dev.lofilora.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Puts each {@link ProcessBenchmark} pipeline figure beside the decode floor of the same files from the same JMH run
 * (they are separate benchmarks, so JMH reports them apart) and prints the ratio and the stage times; writes
 * {@code target/jmh/process-report.json}. Run by {@code benchmarks/run} after any run that includes ProcessBenchmark:
 * {@code java ... dev.lofilora.bench.ProcessBenchmarkReport [target/jmh/results.json]}.
 */
public final class ProcessBenchmarkReport {
    private ProcessBenchmarkReport() {}

    public static void main(String[] args) throws IOException {
        Path results = Path.of(args.length > 0 ? args[0] : "target/jmh/results.json");
        if (!Files.exists(results)) return;
        Map<String, double[]> byCase = new TreeMap<>(); // "signal|seconds|format|threads|files" → {pipeline, floor}
        for (JsonNode r : Json.readTree(results)) {
            String name = r.path("benchmark").asText();
            if (!name.endsWith("ProcessBenchmark.pipeline") && !name.endsWith("ProcessBenchmark.decodeFloor")) continue;
            JsonNode p = r.path("params");
            // one operation is one run of a folder: files/min = runs/min × the files in it (results from before the
            // files parameter counted 4 files as 4 operations: their score is already files/min)
            boolean perRun = p.has("files");
            int files = perRun ? ProcessBenchmark.filesPerRun(p.path("seconds").asInt(), p.path("files").asInt()) : 4;
            String key = p.path("signal").asText() + "|" + p.path("seconds").asText() + "|" + p.path("format").asText()
                    + "|" + p.path("threads").asText() + "|" + files;
            double score = r.path("primaryMetric").path("score").asDouble() * (perRun ? files : 1);
            byCase.computeIfAbsent(key, k -> new double[] {Double.NaN, Double.NaN})[name.endsWith("pipeline") ? 0 : 1] = score;
        }
        if (byCase.isEmpty()) return;
        List<Map<String, Object>> rows = new ArrayList<>();
        System.out.println();
        System.out.println("lofi process vs the in-process decode of the same files (files/min; ratio = floor / process,"
                + " from the two trials; inter. = the same with the floor decoded before every process run; CPU = that"
                + " in CPU seconds of the JVM, steady under other processes' load; the goal is <= 2; after = the stages"
                + " after decode in the pipeline's own decodes: under 2 needs it under 1, less the run's own costs)");
        System.out.printf(Locale.ROOT, "%-7s %6s %-5s %4s %5s %10s %10s %7s %8s %8s %6s  %s%n", "signal", "length",
                "fmt", "thr", "files", "process", "decode", "ratio", "inter.", "CPU", "after", "stages (mean s/file)");
        for (var e : byCase.entrySet()) {
            String[] k = e.getKey().split("\\|");
            double pipeline = e.getValue()[0], floor = e.getValue()[1], ratio = floor / pipeline;
            Path stagesFile = Path.of("target/jmh/process-stages-" + k[0] + "-" + k[1] + "s-" + k[2] + ".json");
            JsonNode stages = Files.exists(stagesFile) ? Json.readTree(stagesFile).path("meanSecondsPerFile") : null;
            JsonNode stageFile = Files.exists(stagesFile) ? Json.readTree(stagesFile) : null;
            // the stage file holds the case's last trial: shown only where it ran as many files a run as this row
            if (stageFile != null && stageFile.path("filesPerRun").asInt(4) != Integer.parseInt(k[4])) {
                stageFile = null;
                stages = null;
            }
            double inter = stageFile == null ? Double.NaN : stageFile.path("interleavedRatio").asDouble(Double.NaN);
            double cpu = stageFile == null ? Double.NaN : stageFile.path("interleavedCpuRatio").asDouble(Double.NaN);
            double after = afterDecode(stages);
            System.out.printf(Locale.ROOT, "%-7s %5ss %-5s %4s %5s %10.1f %10.1f %7.2f %8.2f %8.2f %6.2f  %s%n", k[0],
                    k[1], k[2], k[3], k[4], pipeline, floor, ratio, inter, cpu, after,
                    stages == null ? "" : stages.toString());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("signal", k[0]);
            row.put("seconds", Integer.parseInt(k[1]));
            row.put("format", k[2]);
            row.put("threads", Integer.parseInt(k[3]));
            row.put("filesPerRun", Integer.parseInt(k[4]));
            row.put("processFilesPerMin", round(pipeline));
            row.put("decodeFloorFilesPerMin", round(floor));
            row.put("ratio", Math.round(ratio * 100) / 100.0);
            row.put("interleavedRatio", inter);
            row.put("interleavedCpuRatio", cpu);
            if (stages != null) row.put("meanStageSeconds", stages);
            if (!Double.isNaN(after)) row.put("stagesAfterDecodeInDecodes", Math.round(after * 100) / 100.0);
            rows.add(row);
        }
        Json.write(results.resolveSibling("process-report.json"), Map.of("cases", rows));
    }

    /**
     * The per-file stages after decode (resample, write, verify, ...), in units of the pipeline's own decode of the
     * file: the work every file costs on top of its decode, before anything a run pays once. A ratio of 2 needs this
     * under 1. NaN without stage times.
     */
    static double afterDecode(JsonNode stages) {
        if (stages == null || !stages.has("decode") || !stages.has("total")) return Double.NaN;
        double decode = stages.path("decode").asDouble();
        return (stages.path("total").asDouble() - decode) / decode;
    }

    private static double round(double v) { return Math.round(v * 10) / 10.0; }
}
