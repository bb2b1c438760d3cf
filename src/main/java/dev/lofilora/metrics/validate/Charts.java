package dev.lofilora.metrics.validate;

import dev.lofilora.common.AtomicFiles;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYPointerAnnotation;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The report's plots as PNG files (JFreeChart, headless): FAD and CLAP over training steps with the gates drawn and
 * the best checkpoint marked, and per-style bars for the best checkpoint.
 */
final class Charts {
    static final int WIDTH = 720, HEIGHT = 360;
    private static final Color GATE = new Color(0xC0392B), BEST = new Color(0x1E8449);

    private Charts() {}

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** x of a checkpoint: its step, or its position (1-based) when steps are unknown. */
    static double x(ValidateResult.CheckpointResult r, int index, boolean steps) {
        return steps ? r.step() : index + 1;
    }

    static boolean allSteps(List<ValidateResult.CheckpointResult> rs) {
        return rs.stream().allMatch(r -> r.step() != null);
    }

    static void fadOverSteps(ValidateResult result, Path png) throws IOException {
        List<ValidateResult.CheckpointResult> rs = result.checkpoints();
        boolean steps = allSteps(rs);
        XYSeries fad = new XYSeries("FAD (VGGish)"), inf = new XYSeries("FAD-∞");
        for (int i = 0; i < rs.size(); i++) {
            if (!Double.isNaN(rs.get(i).fad())) fad.add(x(rs.get(i), i, steps), rs.get(i).fad());
            if (rs.get(i).fadInf() != null) inf.add(x(rs.get(i), i, steps), rs.get(i).fadInf().value());
        }
        XYSeriesCollection data = new XYSeriesCollection(fad);
        if (inf.getItemCount() > 0) data.addSeries(inf);
        JFreeChart chart = ChartFactory.createXYLineChart("FAD against the reference set (lower is better)",
                steps ? "training step" : "checkpoint (order given)", "FAD", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        gate(plot, result.gates().fadMax(), String.format("gate: FAD < %.2f", result.gates().fadMax()));
        markBest(plot, result, steps, r -> r.fad());
        style(chart, plot);
        save(chart, png);
    }

    static void clapOverSteps(ValidateResult result, Path png) throws IOException {
        List<ValidateResult.CheckpointResult> rs = result.checkpoints();
        boolean steps = allSteps(rs);
        XYSeries clap = new XYSeries("CLAP score (generated vs own prompts)");
        XYSeries ref = new XYSeries("real tracks vs own prompts");
        for (int i = 0; i < rs.size(); i++) {
            clap.add(x(rs.get(i), i, steps), rs.get(i).clapScore());
            ref.add(x(rs.get(i), i, steps), result.reference().clapScore());
        }
        XYSeriesCollection data = new XYSeriesCollection(clap);
        data.addSeries(ref);
        JFreeChart chart = ChartFactory.createXYLineChart("CLAP score (higher is better)",
                steps ? "training step" : "checkpoint (order given)", "mean cosine", data, PlotOrientation.VERTICAL,
                true, false, false);
        XYPlot plot = chart.getXYPlot();
        gate(plot, result.gates().clapThreshold(), String.format("gate: CLAP ≥ %.3f", result.gates().clapThreshold()));
        markBest(plot, result, steps, r -> r.clapScore());
        style(chart, plot);
        save(chart, png);
    }

    /** Bars per style of the best checkpoint: {@code fad} true for FAD, false for CLAP. */
    static void styles(ValidateResult.CheckpointResult best, boolean fad, Path png) throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (ValidateResult.StyleScore s : best.styles()) {
            if (fad && s.fad() == null) continue;
            data.addValue(fad ? s.fad() : s.clapScore(), fad ? "FAD" : "CLAP", s.style() + " (" + s.clips() + ")");
        }
        JFreeChart chart = ChartFactory.createBarChart((fad ? "FAD" : "CLAP score") + " per style — " + best.label(),
                "style (clips)", fad ? "FAD" : "mean cosine", data, PlotOrientation.VERTICAL, false, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.getRenderer().setSeriesPaint(0, fad ? new Color(0x2E86C1) : new Color(0x8E44AD));
        chart.setBackgroundPaint(Color.WHITE);
        save(chart, png);
    }

    private interface Metric { double of(ValidateResult.CheckpointResult r); }

    private static void gate(XYPlot plot, double value, String label) {
        ValueMarker m = new ValueMarker(value, GATE, new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
                1f, new float[] {6f, 4f}, 0f));
        m.setLabel(label);
        m.setLabelPaint(GATE);
        m.setLabelAnchor(RectangleAnchor.TOP_LEFT);
        m.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
        plot.addRangeMarker(m);
        // Keep the gate in view even when every point is far from it.
        double lo = Math.min(plot.getRangeAxis().getLowerBound(), value), hi = Math.max(plot.getRangeAxis().getUpperBound(), value);
        double pad = 0.08 * Math.max(hi - lo, 1e-6);
        plot.getRangeAxis().setRange(lo - pad, hi + pad);
    }

    private static void markBest(XYPlot plot, ValidateResult result, boolean steps, Metric metric) {
        List<ValidateResult.CheckpointResult> rs = result.checkpoints();
        for (int i = 0; i < rs.size(); i++) {
            if (!rs.get(i).label().equals(result.best()) || Double.isNaN(metric.of(rs.get(i)))) continue;
            // Points in the right half get their label up and to the left, so it stays inside the plot.
            boolean right = rs.size() > 1 && i >= rs.size() / 2.0;
            XYPointerAnnotation a = new XYPointerAnnotation("best: " + rs.get(i).label(), x(rs.get(i), i, steps),
                    metric.of(rs.get(i)), right ? -3 * Math.PI / 4 : -Math.PI / 4);
            a.setPaint(BEST);
            a.setArrowPaint(BEST);
            a.setTextAnchor(right ? TextAnchor.BOTTOM_RIGHT : TextAnchor.BOTTOM_LEFT);
            plot.addAnnotation(a);
        }
    }

    private static void style(JFreeChart chart, XYPlot plot) {
        chart.setBackgroundPaint(Color.WHITE);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        r.setSeriesPaint(0, new Color(0x2E86C1));
        r.setSeriesPaint(1, new Color(0x7F8C8D));
        r.setSeriesStroke(0, new BasicStroke(2f));
        plot.setRenderer(r);
        plot.getDomainAxis().setLowerMargin(0.06);
        plot.getDomainAxis().setUpperMargin(0.06);
    }

    private static void save(JFreeChart chart, Path png) throws IOException {
        AtomicFiles.write(png, out -> ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT));
    }
}
