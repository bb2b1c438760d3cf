package dev.lofilora;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The one real headless Chromium for tests of pages people look at: Debian's {@code chromium} and
 * {@code chromium-driver} (installed by {@code .ci/run} when missing), driven by Selenium's Java client without
 * Selenium Manager (the binaries' paths are given, nothing is downloaded). Where they are not installed a user's
 * clone skips the test with a message; under CI ({@code -Dlofi.requireShared=true}) that is a failure, so a page's
 * test cannot pass by not running.
 */
public final class Browser {
    private Browser() {}

    /** A fresh browser with its own profile in {@code profileDir}; the browser console is kept for the tests. */
    public static ChromeDriver start(Path profileDir) throws IOException {
        Path chromium = first(List.of("/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser"));
        Path driver = first(List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"));
        if (chromium == null || driver == null) {
            String fix = "apt-get install -y chromium chromium-driver (.ci/run does it)";
            if (SharedFiles.required()) fail("no chromium/chromedriver on this machine, and CI must run browser tests: " + fix);
            assumeTrue(false, "skipped: needs chromium and chromium-driver: " + fix);
        }
        Files.createDirectories(profileDir);
        ChromeOptions o = new ChromeOptions();
        o.setBinary(chromium.toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--autoplay-policy=no-user-gesture-required", "--window-size=1100,1000",
                "--user-data-dir=" + profileDir.toAbsolutePath());
        o.setCapability("goog:loggingPrefs", Map.of("browser", "ALL")); // console errors, for the tests
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile())
                .usingAnyFreePort().withLogOutput(OutputStream.nullOutputStream()).build();
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
