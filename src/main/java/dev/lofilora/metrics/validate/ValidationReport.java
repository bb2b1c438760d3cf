package dev.lofilora.metrics.validate;

import dev.lofilora.common.AtomicFiles;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code validation_report.html}: one self-contained page (inline CSS, no scripts, nothing fetched) beside its PNG
 * plots in {@code plots/}: the verdict for the best checkpoint, the gates with N and clip length, the table of every
 * checkpoint, FAD and CLAP over training steps, per-style bars, the clips with the highest own FAD, and audio players
 * for a few clips of the best checkpoint (linked by relative path, not copied).
 */
final class ValidationReport {
    static final String PLOTS = "plots";

    private ValidationReport() {}

    static void write(ValidateResult r, ValidationSettings settings, Path out) throws IOException {
        Path plots = out.resolve(PLOTS);
        Files.createDirectories(plots);
        Charts.fadOverSteps(r, plots.resolve("fad.png"));
        Charts.clapOverSteps(r, plots.resolve("clap.png"));
        ValidateResult.CheckpointResult best = r.checkpoints().stream().filter(c -> c.label().equals(r.best()))
                .findFirst().orElseThrow();
        boolean styleFad = best.styles().stream().anyMatch(s -> s.fad() != null);
        if (styleFad) Charts.styles(best, true, plots.resolve("styles_fad.png"));
        if (!best.styles().isEmpty()) Charts.styles(best, false, plots.resolve("styles_clap.png"));
        AtomicFiles.writeString(out.resolve(ValidateJob.REPORT_HTML), html(r, settings, best, styleFad, out));
    }

    static String html(ValidateResult r, ValidationSettings settings, ValidateResult.CheckpointResult best,
                       boolean styleFad, Path out) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>Validation report</title><style>")
                .append("body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:64rem;color:#222;padding:0 1rem}")
                .append("table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}")
                .append("th{background:#f4f4f4}td.l,th.l{text-align:left}tr.best{background:#e8f6ec;font-weight:600}")
                .append(".pass{color:#1e8449}.fail{color:#c0392b}.verdict{font-size:1.4rem;padding:.6rem 1rem;border-radius:.4rem}")
                .append(".verdict.pass{background:#e8f6ec}.verdict.fail{background:#fbeaea}img{max-width:100%;border:1px solid #eee}")
                .append("figure{margin:1rem 0}figcaption{color:#555;font-size:.9rem}.note{color:#555}</style></head><body>\n");
        h.append("<h1>Validation report</h1>\n");
        h.append("<p id=\"verdict\" class=\"verdict ").append(r.passed() ? "pass" : "fail").append("\">")
                .append(r.passed() ? "PASS" : "FAIL").append(": best checkpoint <b id=\"best\">").append(esc(r.best()))
                .append("</b> — FAD ").append(num(best.fad())).append(best.fadPass() ? " passes" : " fails")
                .append(", CLAP ").append(num(best.clapScore())).append(best.clapPass() ? " passes" : " fails").append("</p>\n");
        h.append("<h2>Gates</h2><ul id=\"gates\">")
                .append("<li>FAD (VGGish) &lt; ").append(num(r.gates().fadMax())).append(" against the held-out reference set</li>")
                .append("<li>").append(esc(r.gates().clapText())).append("</li></ul>\n")
                .append("<p class=\"note\">Reference: <b>").append(r.reference().tracks()).append("</b> real tracks in <b>")
                .append(r.reference().segments()).append("</b> segments of ").append(secs(r.reference().segmentSeconds()))
                .append(" s (").append(r.reference().frames()).append(" VGGish frames); their own CLAP score against their own ")
                .append("prompts: <b>").append(num(r.reference().clapScore())).append("</b> ± ").append(num(r.reference().clapStd()))
                .append(". Generated clips are scored over their first ").append(secs(settings.seconds())).append(" s.</p>\n");
        checkpointTable(h, r);
        h.append("<h2>Over training</h2>\n");
        figure(h, "fad.png", "FAD of each checkpoint against the reference set; dashed: the gate; arrow: the best checkpoint.");
        figure(h, "clap.png", "CLAP score of each checkpoint, the real tracks' own score, and the gate.");
        h.append("<h2>Best checkpoint: ").append(esc(best.label())).append("</h2>\n");
        if (styleFad) figure(h, "styles_fad.png", "FAD per style of the best checkpoint against the whole reference set.");
        if (!best.styles().isEmpty()) figure(h, "styles_clap.png", "CLAP score per style of the best checkpoint.");
        clips(h, best, settings, out);
        h.append("<h2>Pipeline</h2><ul class=\"note\"><li>").append(esc(r.pipeline().vggish())).append("</li><li>")
                .append(esc(r.pipeline().clap())).append("</li><li>device ").append(esc(r.pipeline().device())).append("</li></ul>\n");
        if (r.run() != null) generation(h, r.run());
        List<String> warnings = new java.util.ArrayList<>(r.warnings());
        r.checkpoints().forEach(c -> c.warnings().forEach(w -> warnings.add(c.label() + ": " + w)));
        if (!warnings.isEmpty()) {
            h.append("<h2>Warnings</h2><ul id=\"warnings\">");
            warnings.forEach(w -> h.append("<li>").append(esc(w)).append("</li>"));
            h.append("</ul>\n");
        }
        return h.append("</body></html>\n").toString();
    }

    /** lofi validate --run: where the clips came from and how they were sampled. */
    private static void generation(StringBuilder h, ValidateResult.RunGenerated g) {
        GenerationSettings s = g.settings();
        h.append("<h2>Generation</h2><p id=\"generation\" class=\"note\">Clips rendered from the checkpoints of ")
                .append(esc(g.run())).append(" on ").append(esc(g.model())).append(": ").append(s.clipsPerStyle())
                .append(" prompt(s) per style of the reference, prompt seed ").append(s.promptSeed()).append(", ")
                .append(esc(s.scheduler())).append(' ').append(s.inferSteps()).append(" steps, ω ").append(s.omegaScale())
                .append(", guidance ").append(s.guidanceScale()).append(", LoRA scale ").append(s.loraScale())
                .append(s.bf16() ? ", bf16" : ", fp32").append(", ").append(secs(g.seconds())).append(" s.</p>\n");
    }

    private static void checkpointTable(StringBuilder h, ValidateResult r) {
        h.append("<h2>Checkpoints</h2><table id=\"checkpoints\"><tr><th class=\"l\">checkpoint</th><th>step</th>")
                .append("<th>clips</th><th>s/clip</th><th>frames</th><th>FAD</th><th>FAD-∞</th><th>CLAP</th><th>CLAP ÷ real</th>")
                .append("<th>FAD gate</th><th>CLAP gate</th></tr>\n");
        for (ValidateResult.CheckpointResult c : r.checkpoints()) {
            h.append("<tr").append(c.label().equals(r.best()) ? " class=\"best\"" : "").append("><td class=\"l\">")
                    .append(esc(c.label())).append(c.resumed() ? " <span class=\"note\">(resumed)</span>" : "").append("</td><td>")
                    .append(c.step() == null ? "–" : c.step()).append("</td><td>").append(c.clips()).append("</td><td>")
                    .append(secs(c.clipSeconds())).append("</td><td>").append(c.frames()).append("</td><td>").append(num(c.fad()))
                    .append("</td><td>").append(c.fadInf() == null ? "–" : num(c.fadInf().value())).append("</td><td>")
                    .append(num(c.clapScore())).append("</td><td>").append(c.clapRelative() == null ? "–" : num(c.clapRelative()))
                    .append("</td>").append(verdict(c.fadPass())).append(verdict(c.clapPass())).append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static void clips(StringBuilder h, ValidateResult.CheckpointResult best, ValidationSettings settings, Path out) {
        if (!best.outliers().isEmpty()) {
            h.append("<p>Highest own FAD (fadtk's per-song FAD; look at these first): ");
            h.append(String.join(", ", best.outliers().stream().map(ValidationReport::esc).toList())).append("</p>\n");
        }
        h.append("<table id=\"clips\"><tr><th class=\"l\">clip</th><th class=\"l\">style</th><th class=\"l\">prompt</th>")
                .append("<th>CLAP</th><th>own FAD</th><th class=\"l\">listen</th></tr>\n");
        int shown = 0;
        for (ValidateResult.ClipScore c : best.clipScores()) {
            boolean player = shown++ < settings.players();
            h.append("<tr><td class=\"l\">").append(esc(c.id())).append("</td><td class=\"l\">").append(esc(c.style()))
                    .append("</td><td class=\"l\">").append(esc(c.prompt())).append("</td><td>").append(num(c.clap()))
                    .append("</td><td>").append(c.fad() == null ? "–" : num(c.fad())).append("</td><td class=\"l\">");
            if (player) h.append("<audio controls preload=\"none\" src=\"").append(esc(relative(out, Path.of(c.audio()))))
                    .append("\"></audio>");
            h.append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void figure(StringBuilder h, String png, String caption) {
        h.append("<figure><img src=\"").append(PLOTS).append('/').append(png).append("\" alt=\"").append(esc(caption))
                .append("\" width=\"").append(Charts.WIDTH).append("\" height=\"").append(Charts.HEIGHT)
                .append("\"><figcaption>").append(esc(caption)).append("</figcaption></figure>\n");
    }

    private static String verdict(boolean pass) {
        return "<td class=\"" + (pass ? "pass\">pass" : "fail\">fail") + "</td>";
    }

    /** A URL path from the report folder to {@code file}, percent-encoded. */
    static String relative(Path from, Path file) {
        Path rel = from.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize());
        StringBuilder sb = new StringBuilder();
        for (Path part : rel) {
            if (sb.length() > 0) sb.append('/');
            sb.append(URI.create("x:" + encode(part.toString())).getRawSchemeSpecificPart());
        }
        return sb.toString();
    }

    private static String encode(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (Character.isLetterOrDigit(c) && c < 128 || "-_.~".indexOf(c) >= 0) sb.append((char) c);
            else sb.append('%').append(String.format("%02X", c));
        }
        return sb.toString();
    }

    static String num(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : "%.3f", v);
    }

    static String secs(double v) {
        return String.format(Locale.ROOT, v == Math.rint(v) ? "%.0f" : "%.2f", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
