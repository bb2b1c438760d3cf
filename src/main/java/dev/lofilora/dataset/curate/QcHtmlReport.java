package dev.lofilora.dataset.curate;

import dev.lofilora.audio.qc.CheckResult;
import dev.lofilora.audio.qc.QualityChecks;
import dev.lofilora.audio.qc.Spectrum;
import dev.lofilora.common.AtomicFiles;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.statistics.HistogramDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.nio.file.Path;

/**
 * {@code qc_report.html}: the QC report for people, beside {@code qc_report.json}. One self-contained page (the
 * pictures are PNGs drawn by JFreeChart ({@link ChartPng}) and inlined as data URIs, so the file can be mailed or opened anywhere):
 * the run's totals, histograms of the sources' integrated loudness and true peak (with the target and the ceiling
 * marked), one row per file (status, loudness in → out, true peak out, the most important reason, the parent of a
 * split part, what was removed), and a spectrum thumbnail for every file that was not written and whose audio was
 * analysed. Element ids and classes are stable ({@code #totals}, {@code #loudness-histogram},
 * {@code #true-peak-histogram}, {@code #files}, {@code tr.file}, {@code img.spectrum}) for scripts and tests.
 */
final class QcHtmlReport {
    private static final int HIST_W = 560, HIST_H = 260, THUMB_W = 320, THUMB_H = 150;

    private QcHtmlReport() {}

    static void write(Path file, ProcessResult r) throws IOException {
        AtomicFiles.writeString(file, html(r));
    }

    static String html(ProcessResult r) {
        StringBuilder h = new StringBuilder(64 * 1024);
        ProcessResult.Totals t = r.totals();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>lofi process: QC report</title>\n")
                .append("<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}")
                .append("td,th{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}")
                .append(".ok{color:#17702a}.warn{color:#9a6700}.rejected,.error{color:#b3261e;font-weight:bold}")
                .append(".reason{max-width:48em;font-size:90%}.thumbs figure{display:inline-block;margin:0 1em 1em 0}")
                .append("</style></head><body>\n<h1>lofi process: QC report</h1>\n");
        h.append("<p id=\"run\">Started ").append(esc(r.run().startedAt())).append(", ")
                .append(String.format(Locale.ROOT, "%.1f", r.run().seconds())).append(" s. Raw folder <code>")
                .append(esc(r.run().rawDir())).append("</code>, output <code>").append(esc(r.run().outDir()))
                .append("</code>. Target ").append(fmt(r.run().settings().targetLufs())).append(" LUFS, ceiling ")
                .append(fmt(r.run().settings().ceilingDbtp())).append(" dBTP.</p>\n");
        h.append("<p id=\"totals\">").append(t.files()).append(" files: <span class=\"ok\">").append(t.ok())
                .append(" ok</span>, <span class=\"warn\">").append(t.warn()).append(" warn</span>, <span class=\"rejected\">")
                .append(t.rejected()).append(" rejected</span>, <span class=\"error\">").append(t.error())
                .append(" error</span>; ").append(t.resumed()).append(" unchanged since the last run; ")
                .append(t.removed()).append(" earlier outputs removed or moved aside.</p>\n");

        List<Double> lufs = new ArrayList<>(), peaks = new ArrayList<>();
        for (FileReport f : r.files()) {
            if (f.loudnessBefore() == null) continue;
            if (Double.isFinite(f.loudnessBefore().integratedLufs())) lufs.add(f.loudnessBefore().integratedLufs());
            if (Double.isFinite(f.loudnessBefore().truePeakDbtp())) peaks.add(f.loudnessBefore().truePeakDbtp());
        }
        h.append("<h2>Sources</h2>\n");
        h.append(image("loudness-histogram", "histogram of the sources' integrated loudness", () ->
                histogram("Integrated loudness of the sources", "LUFS", lufs, r.run().settings().targetLufs(), "target"),
                HIST_W, HIST_H));
        h.append(image("true-peak-histogram", "histogram of the sources' true peak", () ->
                histogram("True peak of the sources", "dBTP", peaks, r.run().settings().ceilingDbtp(), "ceiling"),
                HIST_W, HIST_H));

        h.append("<h2>Files</h2>\n<table id=\"files\"><thead><tr><th>file</th><th>status</th><th>LUFS in → out</th>")
                .append("<th>dBTP out</th><th>part of</th><th>reason</th></tr></thead><tbody>\n");
        for (FileReport f : r.files()) {
            String name = f.name() != null ? f.name() : f.file();
            h.append("<tr class=\"file\" data-status=\"").append(f.status().id()).append("\"><td>").append(esc(name))
                    .append(f.resumed() ? " <small>(unchanged)</small>" : "").append("</td><td class=\"")
                    .append(f.status().id()).append("\">").append(f.status().id()).append("</td><td>");
            if (f.loudnessBefore() != null) h.append(fmt(f.loudnessBefore().integratedLufs()));
            if (f.loudnessAfter() != null) h.append(" → ").append(fmt(f.loudnessAfter().integratedLufs()));
            h.append("</td><td>").append(f.loudnessAfter() == null ? "" : fmt(f.loudnessAfter().truePeakDbtp()))
                    .append("</td><td>");
            if (f.segment() != null) {
                h.append(esc(f.segment().parent())).append(String.format(Locale.ROOT, " %d/%d (%.1f–%.1f s)",
                        f.segment().index(), f.segment().parts(), f.segment().startSeconds(), f.segment().endSeconds()));
            }
            h.append("</td><td class=\"reason\">");
            List<String> reasons = f.reasonsByImportance();
            for (int i = 0; i < reasons.size(); i++) {
                if (i > 0) h.append("<br>");
                h.append(esc(reasons.get(i)));
            }
            h.append("</td></tr>\n");
        }
        h.append("</tbody></table>\n");

        h.append("<h2>Spectra of the files not written</h2>\n<div class=\"thumbs\" id=\"spectra\">\n");
        int thumbs = 0;
        for (FileReport f : r.files()) {
            if (f.status().accepted()) continue;
            Spectrum sp = spectrum(f);
            if (sp == null) continue;
            String name = f.name() != null ? f.name() : f.file();
            h.append("<figure>").append(image(null, "spectrum of " + name, () -> spectrumChart(sp), THUMB_W, THUMB_H)
                    .replace("<img ", "<img class=\"spectrum\" data-file=\"" + esc(name) + "\" "))
                    .append("<figcaption>").append(esc(name)).append(": ").append(esc(f.status().id()))
                    .append("</figcaption></figure>\n");
            thumbs++;
        }
        if (thumbs == 0) h.append("<p>None: every file that was not written was rejected before its audio was analysed, or all were written.</p>\n");
        h.append("</div>\n</body></html>\n");
        return h.toString();
    }

    private static Spectrum spectrum(FileReport f) {
        if (f.checks() == null) return null;
        for (CheckResult c : f.checks()) if (c.check().equals(QualityChecks.BANDWIDTH)) return c.spectrum();
        return null;
    }

    private static JFreeChart histogram(String title, String unit, List<Double> values, double marker, String label) {
        HistogramDataset d = new HistogramDataset();
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        if (v.length > 0) {
            double lo = Math.floor(Math.min(marker, java.util.Arrays.stream(v).min().orElse(marker)) - 1);
            double hi = Math.ceil(Math.max(marker, java.util.Arrays.stream(v).max().orElse(marker)) + 1);
            d.addSeries(unit, v, Math.max(5, (int) Math.round(hi - lo)), lo, hi);
        }
        JFreeChart c = ChartFactory.createHistogram(title + " (" + v.length + " files)", unit, "files", d,
                PlotOrientation.VERTICAL, false, false, false);
        XYPlot p = c.getXYPlot();
        ValueMarker m = new ValueMarker(marker, new Color(0xB3261E), new BasicStroke(2f));
        m.setLabel(label + " " + fmt(marker));
        p.addDomainMarker(m);
        p.setBackgroundPaint(Color.WHITE);
        c.setBackgroundPaint(Color.WHITE);
        return c;
    }

    private static JFreeChart spectrumChart(Spectrum sp) {
        XYSeries s = new XYSeries("spectrum");
        for (int i = 0; i < sp.db().length; i++) s.add(sp.hz(i), sp.db()[i]);
        JFreeChart c = ChartFactory.createXYLineChart(null, "Hz", "dB", new XYSeriesCollection(s),
                PlotOrientation.VERTICAL, false, false, false);
        XYPlot p = c.getXYPlot();
        LogAxis x = new LogAxis("Hz");
        x.setRange(sp.fromHz(), sp.toHz());
        p.setDomainAxis(x);
        p.getRangeAxis().setRange(-120, 20);
        p.setBackgroundPaint(Color.WHITE);
        c.setBackgroundPaint(Color.WHITE);
        return c;
    }

    /** An {@code <img>} with the chart as an inline PNG. */
    private static String image(String id, String alt, java.util.function.Supplier<JFreeChart> chart, int w, int h) {
        String png;
        try {
            png = Base64.getEncoder().encodeToString(ChartPng.encode(chart.get(), w, h));
        } catch (RuntimeException | LinkageError | java.awt.AWTError e) {
            // a JRE without its font or imaging libraries: the page keeps its numbers, the report is not lost
            return "<p>(" + esc(alt) + " could not be drawn: " + esc(String.valueOf(e)) + ")</p>\n";
        }
        return "<img" + (id == null ? "" : " id=\"" + id + "\"") + " alt=\"" + esc(alt) + "\" width=\"" + w
                + "\" height=\"" + h + "\" src=\"data:image/png;base64," + png + "\">\n";
    }

    private static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f", v) : "-inf";
    }

    static String esc(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }
}
