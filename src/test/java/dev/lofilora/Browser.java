package dev.lofilora;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real headless Chromium for tests of pages people look at: Debian's {@code chromium} and {@code chromium-driver}
 * (installed by {@code .ci/run} when missing), driven by Selenium's Java client without Selenium Manager (nothing is
 * downloaded). The test is skipped, with a message, where they are not installed.
 */
public final class Browser {
    private Browser() {}

    public static ChromeDriver start(Path scratch) throws IOException {
        File chromium = find("chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser");
        File driver = find("chromedriver", "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        assumeTrue(chromium != null && driver != null,
                "skipped: needs chromium and chromium-driver (apt-get install -y chromium chromium-driver; .ci/run does it)");
        Path profile = Files.createTempDirectory(scratch, "chromium-profile");
        ChromeOptions o = new ChromeOptions();
        o.setBinary(chromium);
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver)
                .usingAnyFreePort().build();
        return new ChromeDriver(service, o);
    }

    private static File find(String name, String... candidates) {
        for (String c : candidates) {
            File f = new File(c);
            if (f.canExecute()) return f;
        }
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.canExecute()) return f;
        }
        return null;
    }
}
