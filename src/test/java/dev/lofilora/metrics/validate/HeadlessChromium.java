package dev.lofilora.metrics.validate;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's headless Chromium under Selenium's Java client, found on this machine only (no Selenium Manager download:
 * the browser and chromedriver paths are given). Skips the test with a message when either is missing.
 */
final class HeadlessChromium {
    private HeadlessChromium() {}

    static ChromeDriver start(Path profileDir) throws IOException {
        Path chrome = first(List.of("/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser"));
        Path driver = first(List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"));
        assumeTrue(chrome != null && driver != null, "skipped: no chromium/chromedriver here; .ci/run installs them "
                + "(apt-get install -y chromium chromium-driver)");
        Files.createDirectories(profileDir);
        ChromeOptions o = new ChromeOptions();
        o.setBinary(chrome.toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--autoplay-policy=no-user-gesture-required", "--window-size=1100,1000",
                "--user-data-dir=" + profileDir.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile())
                .usingAnyFreePort().withLogOutput(java.io.OutputStream.nullOutputStream()).build();
        ChromeDriver d = new ChromeDriver(service, o);
        d.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        return d;
    }

    private static Path first(List<String> candidates) {
        for (String c : candidates) {
            Path p = Path.of(c);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }
}
