package dev.lofilora.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lofilora.common.AtomicFiles;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A run folder ({@code runs/<name>}): {@code run.json} (config snapshot, identity, seed, library versions),
 * {@code metrics.jsonl} (one JSON line per step), {@code train.log}, {@code loss.png} and {@code checkpoints/}.
 */
final class RunFolder {
    static final String RUN = "run.json";
    static final String METRICS = "metrics.jsonl";
    static final String LOG = "train.log";
    static final String CHART = "loss.png";
    static final String CHECKPOINTS = "checkpoints";

    final Path dir;

    RunFolder(Path dir) {
        this.dir = dir;
    }

    Path checkpoints() { return dir.resolve(CHECKPOINTS); }

    Path chart() { return dir.resolve(CHART); }

    Path metrics() { return dir.resolve(METRICS); }

    boolean hasRun() {
        return Files.exists(dir.resolve(RUN)) || Files.isDirectory(checkpoints());
    }

    void create() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new LofiException(dir, "cannot be created: " + e.getMessage(), "choose another --out or fix permissions");
        }
    }

    JsonNode readRun() {
        Path p = dir.resolve(RUN);
        if (!Files.isRegularFile(p)) {
            throw new LofiException(p, "is missing, so the run cannot be resumed", "start a new run in another --out folder");
        }
        return Json.readTree(p);
    }

    void writeRun(ObjectNode run) {
        try {
            Json.write(dir.resolve(RUN), run);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends one metrics line (flushed, so a killed run keeps every completed step). */
    void appendMetrics(ObjectNode line) {
        append(metrics(), Json.MAPPER.createObjectNode().setAll(line).toString());
    }

    void log(String message) {
        append(dir.resolve(LOG), Instant.now() + " " + message);
    }

    private static void append(Path file, String line) {
        try {
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new LofiException(file, "cannot be written: " + e.getMessage(), "check free disk space and permissions");
        }
    }

    /** Keeps the metrics lines of steps ≤ {@code step} (a resumed run recomputes the rest); returns the loss points. */
    List<LossChart.Point> truncateMetrics(long step) {
        Path m = metrics();
        List<LossChart.Point> points = new ArrayList<>();
        if (!Files.isRegularFile(m)) return points;
        try {
            StringBuilder kept = new StringBuilder();
            for (String line : Files.readAllLines(m, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                JsonNode n;
                try {
                    n = Json.MAPPER.readTree(line);
                } catch (IOException e) {
                    continue; // a line cut by a kill
                }
                if (n.path("step").asLong(Long.MAX_VALUE) > step) continue;
                kept.append(line).append('\n');
                if (n.has("loss") && n.get("loss").isNumber()) points.add(new LossChart.Point(n.get("step").asLong(), n.get("loss").asDouble()));
            }
            AtomicFiles.writeString(m, kept.toString());
        } catch (IOException e) {
            throw new LofiException(m, "cannot be rewritten: " + e.getMessage(), "check permissions");
        }
        return points;
    }
}
