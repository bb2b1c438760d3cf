package dev.lofilora.listen;

import dev.lofilora.common.AtomicFiles;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The summary's picture (JFreeChart): one bar per pair of systems, the first system's win rate over decisive
 * trials, with its 95 % Wilson interval as an error bar (asymmetric, so an XY plot with an error renderer rather
 * than a category bar chart, whose statistical renderer only draws mean ± sd) and a line at 50 %.
 */
final class SummaryChart {
    static final int WIDTH = 900;
    static final int ROW_HEIGHT = 70;

    private SummaryChart() {}

    static void write(Path png, List<PairStats> pairs) throws IOException {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
        JFreeChart chart = chart(pairs);
        int height = 170 + ROW_HEIGHT * Math.max(1, pairs.size());
        AtomicFiles.write(png, out -> ChartUtils.writeChartAsPNG(out, chart, WIDTH, height));
    }

    static JFreeChart chart(List<PairStats> pairs) {
        XYIntervalSeries series = new XYIntervalSeries("win rate");
        String[] labels = new String[pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            PairStats p = pairs.get(i);
            labels[i] = shorten(p.system()) + " vs " + shorten(p.other()) + " (n=" + p.decisive() + ")";
            if (p.winRate() != null) series.add(i, i - 0.3, i + 0.3, p.winRate(), p.ciLow(), p.ciHigh());
        }
        XYIntervalSeriesCollection data = new XYIntervalSeriesCollection();
        data.addSeries(series);

        SymbolAxis pairsAxis = new SymbolAxis(null, labels);
        pairsAxis.setGridBandsVisible(false);
        pairsAxis.setInverted(true); // the first pair on top, as in the text summary
        pairsAxis.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        NumberAxis rate = new NumberAxis("win rate of the first system (decisive trials), 95 % Wilson interval");
        rate.setRange(0, 1);
        rate.setNumberFormatOverride(java.text.NumberFormat.getPercentInstance());

        XYBarRenderer bars = new XYBarRenderer();
        bars.setBarPainter(new StandardXYBarPainter());
        bars.setShadowVisible(false);
        bars.setSeriesPaint(0, new Color(0x33658a));
        bars.setUseYInterval(false);
        XYErrorRenderer errors = new XYErrorRenderer();
        errors.setDrawXError(false);
        errors.setDrawYError(true);
        errors.setErrorPaint(Color.BLACK);
        errors.setErrorStroke(new BasicStroke(2f));
        errors.setCapLength(10);
        errors.setDefaultLinesVisible(false);
        errors.setDefaultShapesVisible(false);
        errors.setSeriesLinesVisible(0, false);
        errors.setSeriesShapesVisible(0, false);

        XYPlot plot = new XYPlot(data, pairsAxis, rate, errors);
        plot.setDataset(1, data);
        plot.setRenderer(1, bars);
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.REVERSE); // bars first, error bars on top
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xd0d0d0));
        ValueMarker half = new ValueMarker(0.5, new Color(0xa4262c), new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
        plot.addRangeMarker(half);
        pairsAxis.setRange(-0.6, Math.max(0.6, pairs.size() - 0.4));

        JFreeChart chart = new JFreeChart("Blind A/B preference (lofi listen)", new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static String shorten(String s) {
        return s.length() <= 28 ? s : "…" + s.substring(s.length() - 27);
    }
}
