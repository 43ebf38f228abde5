package io.netpilot.desktop.presentation;

import java.util.Locale;
import java.util.Optional;

/** Whether the desktop prefers a dark theme, from what it tells: GNOME's color-scheme, else the GTK theme's name. */
public final class Theme {
    private Theme() {}

    /**
     * @param colorScheme the output of {@code gsettings get org.gnome.desktop.interface color-scheme}, when there was one
     * @param gtkTheme the GTK theme name ({@code $GTK_THEME} or gsettings' {@code gtk-theme}), when known
     * @return true for dark; light when nothing tells
     */
    public static boolean prefersDark(Optional<String> colorScheme, Optional<String> gtkTheme) {
        Optional<String> scheme = colorScheme.map(s -> s.replace("'", "").strip().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty());
        if (scheme.isPresent() && !scheme.get().equals("default")) {
            return scheme.get().contains("dark");
        }
        return gtkTheme.map(t -> t.toLowerCase(Locale.ROOT).contains("dark")).orElse(false);
    }
}
