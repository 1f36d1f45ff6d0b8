package dev.podnet.planner.html;

/**
 * The page's only stylesheet, inlined so the file opens offline. System fonts only: a web font would be a fetch.
 * Colours are shared with the SVG charts so a bar and its table row agree.
 */
final class Style {

    static final String BLUE = "#2563eb";
    static final String LIGHT_BLUE = "#93c5fd";
    static final String AMBER = "#f59e0b";
    static final String AMBER_TEXT = "#b45309";
    static final String RED = "#dc2626";
    static final String RED_TEXT = "#b91c1c";
    static final String TRACK = "#e5e8ec";
    static final String INK = "#1f2933";
    static final String DIM = "#5f6b7a";
    static final String RULE = "#d5dae0";

    private Style() {
    }

    static final String CSS = """
            :root { color-scheme: light; }
            * { box-sizing: border-box; }
            body { margin: 0; background: #f4f5f7; color: #1f2933;
              font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
            main { max-width: 1160px; margin: 0 auto; padding: 28px 24px 40px; }
            h1 { font-size: 26px; margin: 0; letter-spacing: -0.01em; }
            h1 .tool { color: #5f6b7a; font-weight: 500; }
            h2 { font-size: 17px; margin: 0 0 2px; }
            p.sub { color: #5f6b7a; margin: 0 0 14px; font-size: 13px; }
            .mono, code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace;
              font-size: 12.5px; }
            .facts { display: flex; flex-wrap: wrap; gap: 12px; margin: 18px 0 14px; }
            .fact { background: #fff; border: 1px solid #dde1e6; border-radius: 8px; padding: 10px 18px; min-width: 150px; }
            .fact span { display: block; color: #5f6b7a; font-size: 11px; text-transform: uppercase;
              letter-spacing: 0.06em; }
            .fact b { display: block; font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; }
            .verdict { padding: 12px 16px; border-radius: 8px; border-left: 6px solid; font-size: 15px; }
            .verdict b { margin-right: 6px; }
            .verdict.ok { background: #e7f5ed; border-color: #1a7f4b; color: #0f5132; }
            .verdict.bad { background: #fdecec; border-color: #c62828; color: #7f1d1d; }
            section { background: #fff; border: 1px solid #dde1e6; border-radius: 8px; padding: 18px 22px 20px;
              margin-top: 18px; }
            ul.findings { list-style: none; padding: 0; margin: 0; }
            ul.findings li { display: flex; gap: 12px; align-items: baseline; padding: 8px 12px; margin-bottom: 6px;
              border-radius: 6px; border-left: 4px solid; }
            ul.findings li:last-child { margin-bottom: 0; }
            ul.findings li.error { background: #fdecec; border-color: #c62828; }
            ul.findings li.warning { background: #fff5df; border-color: #d97706; }
            ul.findings li.info { background: #f1f3f5; border-color: #8a94a3; }
            .sev { flex: none; min-width: 74px; text-align: center; font-size: 11px; font-weight: 700; color: #fff;
              text-transform: uppercase; letter-spacing: 0.05em; padding: 1px 8px; border-radius: 10px; }
            .sev.error { background: #c62828; }
            .sev.warning { background: #b45309; }
            .sev.info { background: #6b7280; }
            svg { display: block; width: 100%; height: auto; }
            svg text { font-family: inherit; }
            table { border-collapse: collapse; width: 100%; font-size: 13px; }
            th, td { padding: 6px 9px; border-bottom: 1px solid #e6e9ed; text-align: left; vertical-align: top; }
            th { background: #f4f5f7; color: #3e4c59; font-size: 12px; font-weight: 600; vertical-align: bottom; }
            .n { text-align: right; font-variant-numeric: tabular-nums; }
            td.n { white-space: nowrap; }
            td.name { min-width: 200px; }
            td.slots { min-width: 110px; }
            .nowrap { white-space: nowrap; }
            td.small, div.small { color: #5f6b7a; font-size: 12px; }
            tr.over td { background: #fdecec; }
            .over-text { color: #b91c1c; font-weight: 700; }
            .warn-text { color: #b45309; font-weight: 600; }
            .ok-text { color: #1a7f4b; font-weight: 600; }
            ul.refusals { margin: 0; padding-left: 18px; }
            footer { color: #5f6b7a; font-size: 12px; margin-top: 22px; text-align: center; }
            @media print {
              * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
              body { background: #fff; font-size: 11px; }
              main { max-width: none; padding: 0; }
              .fact { padding: 6px 12px; }
              section { border: 0; border-radius: 0; padding: 0; margin-top: 16px; break-inside: avoid; }
              section.tables { break-inside: auto; }
              tr { break-inside: avoid; }
              footer { display: none; }
            }
            """;
}
