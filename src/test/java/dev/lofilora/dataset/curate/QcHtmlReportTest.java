package dev.lofilora.dataset.curate;

import dev.lofilora.Browser;
import dev.lofilora.audio.io.AudioDecoder;
import dev.lofilora.audio.io.AudioEncoder;
import dev.lofilora.common.ProgressListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** qc_report.html in a real headless Chromium: the histograms and thumbnails are drawn pictures, the table is right. */
class QcHtmlReportTest {
    @TempDir Path root;

    /** A transcode: music through a 48 kbit/s MP3 (whose encoder cuts near 11 kHz), decoded and stored as FLAC. */
    private Path transcode(Path target) throws Exception {
        Path mp3 = root.resolve("low.mp3");
        AudioEncoder.write(mp3, Fixtures.music(44100, 6, 9), AudioEncoder.Format.MP3, 48_000, Map.of());
        AudioEncoder.write(target, AudioDecoder.decode(mp3), AudioEncoder.Format.FLAC_16);
        return target;
    }

    @Test
    void thePageShowsHistogramsEveryFileAndSpectraOfRejectedFilesInChromium() throws Exception {
        Path raw = Files.createDirectories(root.resolve("raw"));
        Fixtures.write(raw.resolve("good1.flac"), Fixtures.music(44100, 6, 1), AudioEncoder.Format.FLAC_16);
        Fixtures.write(raw.resolve("good2.wav"), Fixtures.music(48000, 6, 2), AudioEncoder.Format.WAV_24);
        transcode(raw.resolve("dull.flac"));
        Fixtures.write(raw.resolve("nd.flac"), Fixtures.music(44100, 6, 3), AudioEncoder.Format.FLAC_16);
        Files.writeString(raw.resolve("broken.mp3"), "not audio at all");
        Map<String, Object> nd = Fixtures.entry("nd.flac");
        nd.put("license", "CC-BY-ND-4.0");
        Fixtures.sources(root.resolve("meta/sources.json"), List.of(Fixtures.entry("good1.flac"),
                Fixtures.entry("good2.wav"), Fixtures.entry("dull.flac"), nd, Fixtures.entry("broken.mp3")));
        ProcessResult r = new ProcessJob(ProcessConfig.of(raw, root.resolve("out"), root.resolve("meta")))
                .run(ProgressListener.NONE);
        assertEquals(2, r.totals().ok() + r.totals().warn());
        assertEquals(FileStatus.REJECTED, ProcessJobTest.byName(r, "dull").status(), ProcessJobTest.byName(r, "dull").reasons().toString());
        Path html = root.resolve("meta/qc_report.html");
        assertTrue(Files.isRegularFile(html));

        ChromeDriver browser = Browser.start(root.resolve("chromium-profile"));
        try {
            browser.get(html.toUri().toString());
            assertEquals("lofi process: QC report", browser.getTitle());
            JavascriptExecutor js = browser;
            for (String id : List.of("loudness-histogram", "true-peak-histogram")) {
                WebElement img = browser.findElement(By.id(id));
                assertEquals(560L, js.executeScript("return arguments[0].naturalWidth", img), id + " decoded");
                long coloured = (Long) js.executeScript(INK, img);
                assertTrue(coloured > 2000, id + " has " + coloured + " non-white pixels: a drawn chart, not a blank");
            }
            assertTrue(browser.findElement(By.id("totals")).getText().startsWith("5 files: 2 ok"),
                    browser.findElement(By.id("totals")).getText());
            List<WebElement> rows = browser.findElements(By.cssSelector("tr.file"));
            assertEquals(5, rows.size());
            for (int i = 0; i < rows.size(); i++) {
                assertEquals(r.files().get(i).status().id(), rows.get(i).getAttribute("data-status"));
                assertTrue(rows.get(i).getText().startsWith(r.files().get(i).name()), rows.get(i).getText());
            }
            assertTrue(rows.get(2).getText().contains("brick-wall cutoff"), rows.get(2).getText());
            // a thumbnail for the rejected file whose audio was analysed; none for the licence rejection or the error
            List<WebElement> thumbs = browser.findElements(By.cssSelector("img.spectrum"));
            assertEquals(1, thumbs.size());
            assertEquals("dull", thumbs.get(0).getAttribute("data-file"));
            assertEquals(320L, js.executeScript("return arguments[0].naturalWidth", thumbs.get(0)));
            assertTrue((Long) js.executeScript(INK, thumbs.get(0)) > 500);
        } finally {
            browser.quit();
        }
    }

    /** Non-white pixels of an image, counted on a canvas. */
    private static final String INK = """
            const img = arguments[0], c = document.createElement('canvas');
            c.width = img.naturalWidth; c.height = img.naturalHeight;
            const g = c.getContext('2d'); g.drawImage(img, 0, 0);
            const d = g.getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) n++;
            return n;""";
}
