package dev.lofilora.dataset.curate;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.statistics.HistogramDataset;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChartPngTest {
    @Test
    void decodesToTheExactPixelsItWasGivenAndIsAsSmallAsTheJdkWritersFile() throws Exception {
        Random rnd = new Random(3);
        // a noisy image (every filter byte matters) and a chart (what the report draws)
        BufferedImage noise = new BufferedImage(37, 11, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 11; y++) for (int x = 0; x < 37; x++) noise.setRGB(x, y, rnd.nextInt(1 << 24));
        assertSamePixels(noise, ImageIO.read(new ByteArrayInputStream(ChartPng.encode(noise))));

        HistogramDataset d = new HistogramDataset();
        double[] v = new double[40];
        for (int i = 0; i < v.length; i++) v[i] = -20 + 8 * rnd.nextDouble();
        d.addSeries("LUFS", v, 12, -21, -11);
        JFreeChart chart = ChartFactory.createHistogram("loudness", "LUFS", "files", d, PlotOrientation.VERTICAL,
                false, false, false);
        byte[] png = ChartPng.encode(chart, 560, 260);
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
        assertNotNull(back, "a PNG the JDK reads");
        assertEquals(560, back.getWidth());
        assertEquals(260, back.getHeight());
        BufferedImage drawn = new BufferedImage(560, 260, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = drawn.createGraphics();
        chart.draw(g, new java.awt.geom.Rectangle2D.Double(0, 0, 560, 260));
        g.dispose();
        assertSamePixels(drawn, back);
        ByteArrayOutputStream jdk = new ByteArrayOutputStream();
        ImageIO.write(drawn, "png", jdk);
        assertTrue(png.length < 2 * jdk.size(), png.length + " bytes against the JDK writer's " + jdk.size());
    }

    private static void assertSamePixels(BufferedImage want, BufferedImage got) {
        int w = want.getWidth(), h = want.getHeight();
        assertArrayEquals(want.getRGB(0, 0, w, h, null, 0, w), got.getRGB(0, 0, w, h, null, 0, w));
    }
}
