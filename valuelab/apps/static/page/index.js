// valuelab serve's page: shows a Voila page's outputs and live widgets.
//
// Voila's own page loads its JupyterLab front end (about 90 script files)
// before it even connects to the kernel; this does only what an app needs: it
// connects to the page's kernel (@jupyterlab/services), builds the widgets
// (@jupyter-widgets/base, controls, output) and renders the cell outputs. It
// is built into valuelab/apps/static/page.js (see build.mjs and the Makefile's
// `page` target).
import * as base from '@jupyter-widgets/base';
import { ManagerBase } from '@jupyter-widgets/base-manager';
import * as controls from '@jupyter-widgets/controls';
import * as outputBase from '@jupyter-widgets/output';
import { KernelConnection } from '@jupyterlab/services/lib/kernel/default';
import { ServerConnection } from '@jupyterlab/services/lib/serverconnection';
import { MessageLoop } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import '@jupyter-widgets/controls/css/widgets-base.css';
import './page.css';

const VIEW_MIME = 'application/vnd.jupyter.widget-view+json';
const CELL_OUTPUT = 'script[type="application/vnd.voila.cell-output+json"]';
/** The widget views on the page (told when the window is resized). */
const LIVE = new Set();

/**
 * Put the outputs (nbformat dicts) in `host`, replacing what it showed. A
 * newer call for the same host wins: a widget view an older one was still
 * creating is dropped.
 */
async function renderOutputs(host, outputs, manager) {
  const turn = (host.__vlTurn = {});
  (host.__vlViews || []).forEach((view) => view.remove());
  host.__vlViews = [];
  host.replaceChildren();
  for (const out of outputs) {
    const node = document.createElement('div');
    node.className = 'vl-output';
    host.appendChild(node);
    const view = await renderOutput(node, out, manager);
    if (host.__vlTurn !== turn) {
      view?.remove();
      return;
    }
    if (view) host.__vlViews.push(view);
  }
}

/** Show one output in `node`; a widget view created for it is returned. */
async function renderOutput(node, out, manager) {
  if (out.output_type === 'stream') {
    const pre = document.createElement('pre');
    pre.className = 'vl-stream';
    pre.textContent = join(out.text);
    node.appendChild(pre);
    return null;
  }
  if (out.output_type === 'error') {
    // the traceback is never shown (Voila runs with --show_tracebacks=False)
    node.appendChild(message('This part of the app could not be shown (' + out.ename + ').'));
    return null;
  }
  const data = out.data || {};
  const view = data[VIEW_MIME];
  if (view && manager.has_model(view.model_id)) {
    const model = await manager.get_model(view.model_id);
    const widget = await manager.create_view(model);
    Widget.attach(widget.luminoWidget, node);
    LIVE.add(widget);
    widget.once('remove', () => LIVE.delete(widget));
    return widget;
  }
  if (data['text/html'] !== undefined) {
    // the classes JupyterLab gives an HTML output (its styles apply)
    node.classList.add('jp-RenderedHTMLCommon', 'jp-RenderedHTML');
    node.dataset.mimeType = 'text/html';
    setHtml(node, join(data['text/html']));
  } else if (data['image/svg+xml'] !== undefined) {
    setHtml(node, join(data['image/svg+xml']));
  } else if (data['image/png'] !== undefined || data['image/jpeg'] !== undefined) {
    const img = document.createElement('img');
    const mime = data['image/png'] !== undefined ? 'image/png' : 'image/jpeg';
    img.src = 'data:' + mime + ';base64,' + join(data[mime]).replace(/\s/g, '');
    node.appendChild(img);
  } else if (data['text/plain'] !== undefined && !view) {
    const pre = document.createElement('pre');
    pre.textContent = join(data['text/plain']);
    node.appendChild(pre);
  }
  return null;
}

function join(text) {
  return Array.isArray(text) ? text.join('') : String(text);
}

/** innerHTML, with its scripts made live (scripts set by innerHTML never run). */
function setHtml(node, html) {
  node.innerHTML = html;
  for (const old of node.querySelectorAll('script')) {
    const script = document.createElement('script');
    for (const attr of old.attributes) script.setAttribute(attr.name, attr.value);
    script.textContent = old.textContent;
    old.replaceWith(script);
  }
}

function message(text) {
  const div = document.createElement('div');
  div.className = 'vl-page-message';
  div.textContent = text;
  return div;
}

/**
 * The Output widget: shows its `outputs`, set as state by the kernel or
 * captured here while the kernel runs code inside `with out:` (the kernel
 * sets `msg_id`; that request's outputs are added and synced back).
 */
class OutputModel extends outputBase.OutputModel {
  defaults() {
    return { ...super.defaults(), msg_id: '', outputs: [] };
  }

  initialize(attributes, options) {
    super.initialize(attributes, options);
    this._clearOnNext = false;
    this._hook = (msg) => {
      this.capture(msg);
      return false; // not shown anywhere else
    };
    this.listenTo(this, 'change:msg_id', this.watchRequest);
  }

  watchRequest() {
    const kernel = this.widget_manager.kernel;
    const previous = this.previous('msg_id');
    if (previous) kernel.removeMessageHook(previous, this._hook);
    if (this.get('msg_id')) kernel.registerMessageHook(this.get('msg_id'), this._hook);
  }

  capture(msg) {
    const type = msg.header.msg_type;
    let outputs = [...this.get('outputs')];
    if (type === 'clear_output') {
      this._clearOnNext = Boolean(msg.content.wait);
      if (this._clearOnNext) return;
      outputs = [];
    } else if (['stream', 'display_data', 'execute_result', 'error'].includes(type)) {
      if (this._clearOnNext) outputs = [];
      this._clearOnNext = false;
      const out = { ...msg.content, output_type: type };
      const last = outputs[outputs.length - 1];
      if (type === 'stream' && last?.output_type === 'stream' && last.name === out.name) {
        outputs[outputs.length - 1] = { ...last, text: last.text + out.text };
      } else {
        outputs.push(out);
      }
    } else {
      return;
    }
    this.set('outputs', outputs);
    this.save_changes();
  }
}

class OutputView extends outputBase.OutputView {
  render() {
    super.render();
    this.el.classList.add('jupyter-widgets', 'widget-output');
    this.listenTo(this.model, 'change:outputs', this.showOutputs);
    this.showOutputs();
  }

  showOutputs() {
    renderOutputs(this.el, this.model.get('outputs'), this.model.widget_manager);
  }

  remove() {
    this.el.__vlTurn = null; // a render still under way drops what it makes
    (this.el.__vlViews || []).forEach((view) => view.remove());
    return super.remove();
  }
}

/** A widget from a library this page does not carry: a message in its place. */
class MissingModel extends base.DOMWidgetModel {}

class MissingView extends base.DOMWidgetView {
  render() {
    const library = this.model.get('_view_module') || this.model.get('_model_module');
    this.el.replaceChildren(
      message(`This part of the app needs a widget library this page does not have (${library}).`),
    );
  }
}

const MODULES = {
  '@jupyter-widgets/base': base,
  '@jupyter-widgets/controls': controls,
  '@jupyter-widgets/output': { OutputModel, OutputView },
};

/** A widget manager over one kernel connection. */
class Manager extends ManagerBase {
  constructor(kernel) {
    super();
    this.kernel = kernel;
    kernel.registerCommTarget(this.comm_target_name, (comm, msg) =>
      this.handle_comm_open(new base.shims.services.Comm(comm), msg),
    );
  }

  /** A widget class this page carries, or null. */
  async loadClass(className, moduleName) {
    return MODULES[moduleName]?.[className] ?? null;
  }

  async loadModelClass(className, moduleName) {
    return (await this.loadClass(className, moduleName)) ?? MissingModel;
  }

  async loadViewClass(className, moduleName) {
    return (await this.loadClass(className, moduleName)) ?? MissingView;
  }

  async _create_comm(targetName, modelId, data, metadata, buffers) {
    const comm = this.kernel.createComm(targetName, modelId);
    if (data || metadata) comm.open(data, metadata, buffers);
    return new base.shims.services.Comm(comm);
  }

  async _get_comm_info() {
    const reply = await this.kernel.requestCommInfo({ target_name: this.comm_target_name });
    return reply.content.status === 'ok' ? reply.content.comms : {};
  }
}

function banner(text) {
  let div = document.getElementById('vl-page-banner');
  if (!div) {
    div = message('');
    div.id = 'vl-page-banner';
    document.body.prepend(div);
  }
  div.textContent = text;
}

function showCells() {
  document.getElementById('loading')?.remove();
  const cells = document.getElementById('rendered_cells');
  if (cells) cells.style.display = '';
}

async function main() {
  const config = JSON.parse(document.getElementById('jupyter-config-data').textContent);
  const baseUrl = config.baseUrl || '/';
  const serverSettings = ServerConnection.makeSettings({ baseUrl, appendToken: false });
  const kernel = new KernelConnection({
    model: { id: config.kernelId, name: 'python3' },
    serverSettings,
  });
  // the tab closes: the kernel is shut down (valuelab.apps.server accepts this
  // request from its own pages)
  window.addEventListener('beforeunload', () => {
    const form = new FormData();
    const xsrf = document.cookie.match('\\b_xsrf=([^;]*)\\b');
    form.append('_xsrf', (xsrf && xsrf[1]) || '');
    navigator.sendBeacon(`${baseUrl}voila/api/shutdown/${kernel.id}`, form);
    kernel.dispose();
  });
  kernel.connectionStatusChanged.connect((_, status) => {
    if (status === 'disconnected' && !kernel.isDisposed) {
      banner('The connection to the server was lost: reload the page to start again.');
    }
  });
  kernel.statusChanged.connect((_, status) => {
    if (status === 'dead') banner('This app stopped on the server: reload the page to start again.');
  });
  const manager = new Manager(kernel);
  window.addEventListener('resize', () => {
    LIVE.forEach((view) => MessageLoop.postMessage(view.luminoWidget, Widget.ResizeMessage.UnknownSize));
  });
  try {
    await manager._loadFromKernel();
  } catch (err) {
    banner('This app could not connect to the server: reload the page to try again.');
  }
  // shown first: a chart drawn in a hidden page would take plotly's default size
  showCells();
  for (const script of document.querySelectorAll(CELL_OUTPUT)) {
    const host = document.createElement('div');
    host.className = 'vl-cell-output';
    script.replaceWith(host);
    try {
      await renderOutputs(host, [JSON.parse(script.textContent)], manager);
    } catch (err) {
      host.replaceChildren(message('This part of the app could not be shown.'));
    }
  }
}

main().catch(() => {
  showCells();
  banner('This app could not start: reload the page to try again.');
});
