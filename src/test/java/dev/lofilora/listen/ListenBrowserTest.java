package dev.lofilora.listen;

import dev.lofilora.Browser;
import dev.lofilora.common.ProgressListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.*;

/** A whole blind session in headless Chromium: by mouse and by keyboard, nothing leaked, every answer on disk. */
class ListenBrowserTest {
    static final String SYS_A = "base-model", SYS_B = "lora-step-500";
    /** Written by {@link #completesASessionByClicksAndKeysWithoutRevealingTheSystems}; docs/listen.png is a copy. */
    static final Path SCREENSHOT = Path.of("target", "listen-page.png");
    static final Map<Character, String> KEYS = Map.of('1', "left_much_better", '2', "left_better", '3', "same",
            '4', "right_better", '5', "right_much_better", '0', "no_preference");

    @TempDir Path tmp;
    @TempDir static Path profile;
    /** One browser for the class: starting Chromium is the slowest step of these tests. */
    static ChromeDriver driver;

    @BeforeAll
    static void browser() throws Exception {
        driver = Browser.start(profile);
    }

    @AfterAll
    static void quit() {
        if (driver != null) driver.quit();
    }

    private void assertNoLeak(String when, String text, Path a, Path b) {
        for (String secret : List.of(SYS_A, SYS_B, a.getFileName().toString(), b.getFileName().toString(), "clip_")) {
            assertFalse(text.contains(secret), when + ": the page reveals \"" + secret + "\"");
        }
    }

    @Test
    void completesASessionByClicksAndKeysWithoutRevealingTheSystems() throws Exception {
        // 8-s clips: longer than any trial takes here, so no clip ends on its own and the play counts are exact
        Path a = ListenFixtures.normalised(tmp.resolve("renders-one"), 12, 1, -14, 8);
        Path b = ListenFixtures.clips(tmp.resolve("renders-two"), 12, 2, -6, 8);
        Path scores = tmp.resolve("metadata/quality_scores.json");
        ListenConfig config = ListenConfig.of(a, b, scores, "tester").withNames(SYS_A, SYS_B).withPairs(10).withSeed(11L);
        try (ListenServer server = ListenServer.start(config, ProgressListener.NONE)) {
            driver.manage().logs().get(LogType.BROWSER); // drop what an earlier test left in the console
            driver.get(server.url());
            ListenPage page = new ListenPage(driver);
            List<String> clicked = List.of("left_much_better", "right_better", "same", "left_better", "right_much_better");
            String keyed = "12504";
            for (int n = 1; n <= 10; n++) {
                page.awaitTrial(String.valueOf(n));
                assertEquals("Trial " + n + " of 10", page.progress());
                assertNoLeak("trial " + n, page.everything() + page.apiText(n), a, b);
                if (n <= 5) {
                    if (n == 1) { // synced position: switching to B continues where A was, not from the start
                        page.id("play-a").click();
                        page.wait(x -> page.position() >= 60); // ≈ 0.5 s of the 8-s clip
                        int atSwitch = page.position();
                        page.id("play-b").click();
                        assertEquals("playing", page.id("state-b").getText());
                        assertTrue(page.position() >= atSwitch, "B starts at A's position " + atSwitch + ", not at 0");
                        page.id("play-pause").click();
                        assertTrue(page.position() >= atSwitch, "pause keeps the position");
                    }
                    if (n == 3) { // the README's screenshot: both clips heard, A playing, an answer and a comment
                        page.id("play-b").click();
                        page.id("play-a").click();
                        driver.findElement(org.openqa.selenium.By.cssSelector("button.choice[data-choice='left_better']")).click();
                        page.id("comment").sendKeys("B's drums are muddier");
                        Thread.sleep(400);
                        Files.createDirectories(SCREENSHOT.getParent());
                        Files.write(SCREENSHOT, driver.getScreenshotAs(OutputType.BYTES));
                        page.id("play-pause").click();
                        page.id("comment").clear();
                    }
                    page.answerByClicks(clicked.get(n - 1), "mouse " + n);
                } else {
                    char key = keyed.charAt(n - 6);
                    page.answerByKeys(key, n == 8 ? null : "keys " + n);
                }
            }
            page.awaitTrial("done");
            assertTrue(page.id("done-view").isDisplayed());
            assertEquals("Done: 10 of 10", page.progress());
            assertEquals(10, page.revealRows().size());
            String reveal = page.id("reveal").getText();
            assertTrue(reveal.contains(SYS_A) && reveal.contains(SYS_B), "revealed once the session is done: " + reveal);
            assertTrue(server.awaitCompletion(Duration.ofSeconds(5)));
            List<String> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(Object::toString).toList();
            assertEquals(List.of(), errors, "no script error or blocked resource (CSP) in the console");

            ScoresDocument doc = ScoresFile.read(scores);
            List<RatingRecord> ratings = doc.ratingsOf(server.sessionId());
            assertEquals(10, ratings.size());
            for (int n = 1; n <= 10; n++) {
                RatingRecord r = ratings.get(n - 1);
                assertEquals(n, r.trial(), "answered in order");
                assertEquals("tester", r.rater());
                String expected = n <= 5 ? clicked.get(n - 1) : KEYS.get(keyed.charAt(n - 6));
                assertEquals(expected, r.choice().id(), "trial " + n);
                assertEquals(n <= 5 ? "mouse " + n : n == 8 ? "" : "keys " + n, r.comment());
                int plays = n == 1 || n == 3 ? 2 : 1; // trials 1 and 3 play A and B once before the usual A, B
                assertEquals(plays, r.left().plays(), "trial " + n + " plays of A");
                assertEquals(plays, r.right().plays(), "trial " + n + " plays of B");
                assertTrue(r.answerSeconds() > 0.2, "trial " + n + " answer time " + r.answerSeconds());
                SessionRecord.TrialRecord t = doc.session(server.sessionId()).trials().get(n - 1);
                assertEquals(t.left(), r.left().system());
                assertEquals(RatingRecord.preferredBy(r.choice(), t.left(), t.right()), r.preferred());
            }
            double listened = ratings.stream().mapToDouble(r -> r.left().listeningSeconds() + r.right().listeningSeconds()).sum();
            assertTrue(listened > 1.0, "the clips played in the browser: " + listened + " s in all");
            assertTrue(Files.size(SCREENSHOT) > 10_000, "screenshot written");
        }
    }

    /**
     * The server dies mid-session and the session resumes. The server runs as {@code lofi listen} in a child JVM
     * killed with SIGKILL: no shutdown hook or finally block runs, so what survives is only what was on disk before
     * each answer was acknowledged. (Stopping an in-process server object would run its orderly close and could not
     * show that.) The resumed half runs in-process with {@code --session}, as a rater would restart it.
     */
    @Test
    void killedServerLosesNoAnsweredTrialAndTheSessionResumes() throws Exception {
        Path a = ListenFixtures.normalised(tmp.resolve("renders-one"), 10, 1, -14);
        Path b = ListenFixtures.clips(tmp.resolve("renders-two"), 10, 2, -6);
        Path scores = tmp.resolve("metadata/quality_scores.json");
        ListenPage page = new ListenPage(driver);
        List<RatingRecord> before;
        try (ChildListen child = new ChildListen(tmp.resolve("listen.err"), List.of("--a", a.toString(), "--b", b.toString(), "--a-name", SYS_A,
                "--b-name", SYS_B, "--pairs", "10", "--seed", "3", "--rater", "tester", "--scores", scores.toString(),
                "--session", "crash-test", "--no-progress"))) {
            driver.get(child.url);
            for (int n = 1; n <= 4; n++) {
                page.awaitTrial(String.valueOf(n));
                page.answerByClicks(n % 2 == 0 ? "left_better" : "right_better", "before the crash " + n);
            }
            page.awaitTrial("5");
            page.id("play-a").click();
            page.id("play-b").click();
            page.id("comment").sendKeys("this one is lost");
            child.kill(); // trial 5 is in progress: heard, commented, not submitted
            assertFalse(child.process.isAlive());
            before = ScoresFile.read(scores).ratingsOf("crash-test");
            assertEquals(List.of(1, 2, 3, 4), before.stream().map(RatingRecord::trial).toList(), "every answered trial is on disk");
            assertEquals("before the crash 4", before.get(3).comment());
            driver.findElement(org.openqa.selenium.By.cssSelector("button.choice[data-choice='same']")).click();
            page.id("submit").click();
            page.wait(x -> page.id("error-view").isDisplayed());
            assertTrue(page.id("error-view").getText().contains("--session crash-test"), page.id("error-view").getText());
        }
        try (var files = Files.list(scores.getParent())) {
            assertEquals(List.of(".quality_scores.json.lock", "quality_scores.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "no half-written file");
        }
        ListenConfig resume = ListenConfig.of(a, b, scores, "tester").withNames(SYS_A, SYS_B).withSession("crash-test");
        try (ListenServer server = ListenServer.start(resume, ProgressListener.NONE)) {
            assertTrue(server.result().resumed());
            driver.get(server.url());
            page.awaitTrial("5");
            assertEquals("Trial 5 of 10", page.progress());
            assertEquals("", page.id("comment").getAttribute("value"), "the unsent trial starts afresh");
            for (int n = 5; n <= 10; n++) {
                page.awaitTrial(String.valueOf(n));
                page.answerByKeys(n % 2 == 0 ? '2' : '4', "after " + n);
            }
            page.awaitTrial("done");
            assertTrue(server.awaitCompletion(Duration.ofSeconds(5)));
        }
        ScoresDocument doc = ScoresFile.read(scores);
        assertEquals(1, doc.sessions().size(), "one session, resumed");
        List<RatingRecord> all = doc.ratingsOf("crash-test");
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), all.stream().map(RatingRecord::trial).toList());
        assertEquals(before, all.subList(0, 4), "the answers from before the crash are unchanged");
        assertEquals("after 5", all.get(4).comment());
        assertEquals(Choice.RIGHT_BETTER, all.get(4).choice());
    }
}
