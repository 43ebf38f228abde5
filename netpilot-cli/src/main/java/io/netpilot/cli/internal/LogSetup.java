package io.netpilot.cli.internal;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logging of the CLI: stderr only with {@code -v}; a rotated file in {@code <home>/logs} once the
 * home is open (5 files of 5 MB). Call {@link #stderr} before the first logger is made.
 */
public final class LogSetup {
    /** {@code DEBUG} with {@code -v}, else {@code OFF}; read by {@link LogConfigurator}. */
    static final String STDERR_LEVEL_PROPERTY = "netpilot.stderr.level";

    private static boolean fileAttached;

    private LogSetup() {}

    public static void stderr(boolean verbose) {
        System.setProperty(STDERR_LEVEL_PROPERTY, verbose ? "DEBUG" : "OFF");
    }

    /** Adds the rotated log file in {@code logs}; once per process. */
    public static synchronized void toDirectory(Path logs) {
        if (fileAttached || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return;
        }
        RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
        file.setContext(ctx);
        file.setName("FILE");
        file.setFile(logs.resolve("netpilot.log").toString());

        FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(ctx);
        rolling.setParent(file);
        rolling.setFileNamePattern(logs.resolve("netpilot.%i.log").toString());
        rolling.setMinIndex(1);
        rolling.setMaxIndex(5);
        rolling.start();

        SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
        trigger.setContext(ctx);
        trigger.setMaxFileSize(FileSize.valueOf("5MB"));
        trigger.start();

        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern("%d{ISO8601} %-5level [%thread] %logger{30} %X{tunnel} - %msg%n");
        encoder.start();

        file.setEncoder(encoder);
        file.setRollingPolicy(rolling);
        file.setTriggeringPolicy(trigger);
        file.start();
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(file);
        fileAttached = true;
    }
}
