package dev.lofilora.train;

import dev.lofilora.common.AtomicFiles;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The loss curve of a run as a PNG (JFreeChart): every step's loss, and its exponential moving average. */
public final class LossChart {
    /** One logged step. */
    public record Point(long step, double loss) {}

    private LossChart() {}

    /** Draws {@code points} (non-finite losses are left out) to {@code png}, atomically. */
    public static void write(Path png, List<Point> points, String title) throws IOException {
        XYSeries raw = new XYSeries("loss");
        XYSeries ema = new XYSeries("moving average (0.98)");
        double avg = Double.NaN;
        boolean positive = true;
        for (Point p : points) {
            if (!Double.isFinite(p.loss())) continue;
            raw.add(p.step(), p.loss());
            avg = Double.isNaN(avg) ? p.loss() : 0.98 * avg + 0.02 * p.loss();
            ema.add(p.step(), avg);
            positive &= p.loss() > 0;
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(raw);
        data.addSeries(ema);
        NumberAxis x = new NumberAxis("step");
        x.setAutoRangeIncludesZero(false);
        org.jfree.chart.axis.ValueAxis y = positive && raw.getItemCount() > 0 ? new LogAxis("loss") : new NumberAxis("loss");
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        r.setSeriesPaint(0, new Color(150, 170, 220));
        r.setSeriesPaint(1, new Color(20, 60, 160));
        r.setSeriesStroke(1, new BasicStroke(2f));
        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        AtomicFiles.write(png, out -> ChartUtils.writeChartAsPNG(out, chart, 900, 500));
    }
}
