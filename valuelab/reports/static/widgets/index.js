// valuelab reports' widget manager: draws the widgets saved in a report
// (ipywidgets, tqdm bars) from the widget state nbclient stores in the
// notebook, offline. It is @jupyter-widgets/html-manager's embed script
// (lib/embed.js) built into one file with esbuild instead of being fetched
// from a CDN with RequireJS; valuelab.reports.html inlines it (and
// widgets.css) only in reports that hold widget state. Build: `make widgets`.
import { HTMLManager } from '@jupyter-widgets/html-manager/lib/htmlmanager';
import { renderWidgets } from '@jupyter-widgets/html-manager/lib/libembed';

if (!window._jupyter_widget_embedder) {
  window._jupyter_widget_embedder = true;
  const render = () =>
    renderWidgets(() => new HTMLManager()).then(() => {
      document.documentElement.dataset.widgetsRendered = 'true';
    });
  if (document.readyState === 'complete') render();
  else window.addEventListener('load', render);
}
