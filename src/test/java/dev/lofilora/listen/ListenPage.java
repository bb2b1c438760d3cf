package dev.lofilora.listen;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Drives the listening page like a rater: by mouse or by keyboard. */
final class ListenPage {
    final WebDriver d;

    ListenPage(WebDriver d) { this.d = d; }

    /** Waits until the page shows trial {@code n} (or "done") with its clips loaded. */
    void awaitTrial(String n) {
        wait(x -> n.equals(d.findElement(By.tagName("body")).getAttribute("data-trial")));
        if (!n.equals("done")) wait(x -> d.findElement(By.id("play-a")).isEnabled());
    }

    void wait(java.util.function.Function<WebDriver, Boolean> condition) {
        new WebDriverWait(d, Duration.ofSeconds(30), Duration.ofMillis(25)).until(condition::apply);
    }

    /** The shared position slider, 0..1000 of the longer clip. */
    int position() { return Integer.parseInt(id("position").getAttribute("value")); }

    String progress() { return d.findElement(By.id("progress-text")).getText(); }

    WebElement id(String id) { return d.findElement(By.id(id)); }

    /** Everything a rater could see or inspect on the page now: HTML, text, and the URLs it fetched. */
    String everything() {
        Object urls = ((JavascriptExecutor) d).executeScript(
                "return performance.getEntriesByType('resource').map(e => e.name).join('\\n');");
        return d.getPageSource() + "\n" + d.findElement(By.tagName("body")).getText() + "\n" + urls + "\n" + d.getTitle();
    }

    /** What the page's own API calls return for trial n (fetched in the page, as the page would). */
    String apiText(int n) {
        return (String) ((JavascriptExecutor) d).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "Promise.all(['/api/session', '/api/trial/" + n + "'].map(u => fetch(u).then(r => r.text())))"
                        + ".then(t => done(t.join('\\n')));");
    }

    void answerByClicks(String choice, String comment) throws InterruptedException {
        id("play-a").click();
        Thread.sleep(150);
        id("play-b").click();
        Thread.sleep(150);
        id("play-pause").click();
        d.findElement(By.cssSelector("button.choice[data-choice='" + choice + "']")).click();
        assertEquals("true", d.findElement(By.cssSelector("button.choice[data-choice='" + choice + "']")).getAttribute("aria-pressed"));
        id("comment").sendKeys(comment);
        id("submit").click();
    }

    void answerByKeys(char choiceKey, String comment) throws InterruptedException {
        keys("a");
        Thread.sleep(150);
        keys("b");
        Thread.sleep(150);
        keys(" ");
        keys(String.valueOf(choiceKey));
        if (comment != null) {
            keys("c");
            assertEquals("comment", d.switchTo().activeElement().getAttribute("id"), "C focuses the comment box");
            keys(comment);
            keys(Keys.ESCAPE.toString());
        }
        keys(Keys.ENTER.toString());
    }

    void keys(String k) {
        new Actions(d).sendKeys(k).perform();
    }

    List<WebElement> revealRows() { return d.findElements(By.cssSelector("#reveal tbody tr")); }
}
