'use strict';

const POLL_MILLIS = 500;
let latest = null;

const $ = (id) => document.getElementById(id);

function esc(text) {
	return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function time(iso) {
	return iso ? new Date(iso).toLocaleTimeString([], { hour12: false }) : '';
}

function server(s) {
	return s ? `${esc(s.node)} <span class="sub">${esc(s.address)}</span>` : '–';
}

function tag(text, kind) {
	return `<span class="tag ${esc(kind || text)}">${esc(text)}</span>`;
}

function renderRelation(state) {
	const r = state.relation;
	if (!r) {
		$('readiness').innerHTML = `${tag('no relation', 'not-ready')} <span class="sub">${esc(state.noMasterReason)}</span>`;
		return;
	}
	$('readiness').innerHTML = tag(r.readiness, r.readiness === 'READY' ? 'ready' : 'not-ready')
		+ (r.reason ? ` <span class="sub">${esc(r.reason)}</span>` : '');
	$('endpoint').textContent = r.endpoint;
	$('relation-id').textContent = r.relationId ?? '–';
	$('remote-app').textContent = r.remoteApp ?? '–';
	$('database').textContent = r.database ?? '–';
	$('version').textContent = r.version ?? '?';
	$('relation-master').innerHTML = r.master ? `${tag('master')} ${server(r.master)}` : 'none';
	$('relation-tls').innerHTML = r.sslmode
		? `${tag('on', 'ready')} <span class="sub">sslmode=${esc(r.sslmode)}, with the relation's CA</span>`
		: '<span class="sub">off: the relation asks for no certificate verification</span>';
	$('relation-tls').dataset.sslmode = r.sslmode || '';
	$('relation-standbys').innerHTML = r.standbys.length
		? r.standbys.map((s) => `<li data-node="${esc(s.node)}">${tag('standby')} ${server(s)}</li>`).join('')
		: '<li>none</li>';
}

function renderTransaction(element, t) {
	element.innerHTML = t
		? `${esc(t.server.node)} ${tag(t.inRecovery ? 'standby' : 'primary')}<br>`
			+ `<span class="sub">${esc(t.server.address)}, note #${esc(t.noteId)} at ${time(t.time)}</span>`
		: '–';
	element.dataset.node = t ? t.server.node : '';
	element.dataset.recovery = t ? String(t.inRecovery) : '';
}

function renderTraffic(state) {
	renderTransaction($('last-write'), state.lastWrite);
	renderTransaction($('last-read'), state.lastRead);
	$('recent-reads').innerHTML = state.recentReads.map((node) => `<span class="chip">${esc(node)}</span>`).join('');
	const load = state.load;
	$('writes').textContent = load.writes;
	$('reads').textContent = load.reads;
	$('write-retries').textContent = load.writeRetries;
	$('read-retries').textContent = load.readRetries;
	for (const [id, count] of [['write-errors', load.writeErrors], ['read-errors', load.readErrors]]) {
		$(id).textContent = count;
		$(id).classList.toggle('nonzero', count > 0);
	}
	$('last-failure').textContent = load.lastFailure
		? `Last failure (${load.lastFailure.kind}, ${time(load.lastFailure.time)}): ${load.lastFailure.message}` : '';
	$('load-toggle').textContent = load.enabled ? 'Pause load' : 'Resume load';
}

function renderPools(state) {
	$('pools').querySelector('tbody').innerHTML = state.pools.map((p) => `
		<tr class="${p.retiring ? 'retiring' : ''}" data-node="${esc(p.server.node)}" data-role="${esc(p.role)}">
			<td>${tag(p.retiring ? p.role + ', retiring' : p.role, p.retiring ? 'retiring' : p.role)}${p.available ? '' : ' <span class="sub">skipped: failing</span>'}</td>
			<td><span class="nowrap">${server(p.server)}</span><br><span class="sub pool-name">${esc(p.name)}</span></td>
			<td>${p.active}</td><td>${p.idle}</td><td>${p.waiting}</td>
			<td class="reads">${p.role === 'standby' && !p.retiring ? (state.readsByNode[p.server.node] ?? 0) : ''}</td>
		</tr>`).join('');
	$('no-master').textContent = state.noMasterReason ? `No master: ${state.noMasterReason}` : '';
}

function renderNodes(state) {
	const busy = state.charm.busy;
	$('nodes-card').hidden = !state.localServers;
	$('charm-card').hidden = !state.localServers;
	$('nodes').querySelector('tbody').innerHTML = state.nodes.map((n) => {
		const actions = n.role === 'standby' && n.running
			? `<button type="button" class="switchover" data-node="${esc(n.name)}" ${busy ? 'disabled' : ''}>Switch over here</button>`
				+ `<button type="button" class="remove" data-node="${esc(n.name)}" ${busy ? 'disabled' : ''}>Remove</button>`
			: '';
		return `<tr data-node="${esc(n.name)}" data-role="${esc(n.role)}">
			<td><b>${esc(n.name)}</b><br><span class="sub nowrap">unit ${esc(n.unit)}</span></td><td>${esc(n.address)}</td>
			<td>${tag(n.role, n.role === 'former primary' ? 'stopped' : n.role)}<br>`
				+ `${n.running ? '<span class="sub">running</span>' : '<b class="failure">not running</b>'}</td>
			<td class="actions-cell">${actions}</td></tr>`;
	}).join('');
	$('add-standby').disabled = busy;
	$('kill-master').disabled = busy;
}

function renderPublished(state) {
	const p = state.published;
	$('published-card').hidden = !p;
	if (!p) {
		return;
	}
	const busy = state.charm.busy;
	$('published-interface').textContent = p.relationInterface;
	$('published-endpoint').textContent = p.endpoint;
	$('published-tls').textContent = p.tls ? 'on: tls True and the CA in secret-tls'
		: (p.relationInterface === 'pgsql' ? 'not in this interface' : 'off: tls False');
	$('published-tls').dataset.tls = String(p.tls);
	$('password-rotations').textContent = p.passwordRotations;
	for (const button of document.querySelectorAll('button.interface')) {
		const current = button.dataset.interface === p.relationInterface;
		button.classList.toggle('current', current);
		button.disabled = busy || current;
	}
	$('rotate-password').disabled = busy;
	$('tls-toggle').textContent = p.tls ? 'Turn TLS off' : 'Turn TLS on';
	$('tls-toggle').disabled = busy || p.relationInterface !== 'postgresql_client';
}

function renderLogs(state) {
	$('charm-log').innerHTML = state.charm.log.length
		? state.charm.log.map((e) => `<li><span class="time">${time(e.time)}</span>${esc(e.message)}</li>`).join('')
		: '<li class="empty">Nothing yet: the buttons under the servers act as the charm would.</li>';
	$('events').innerHTML = state.events.map((e) => `<li><span class="time">${time(e.time)}</span>`
		+ `<span class="event">${esc(e.type)}</span> master ${e.master ? esc(e.master.node) : 'none'}, `
		+ `standbys [${e.standbys.map((s) => esc(s.node)).join(', ')}]`
		+ (e.readiness === 'READY' ? '' : `, ${esc(e.readiness)}`) + '</li>').join('');
}

function renderStatus(state) {
	const status = $('status');
	const master = state.relation && state.relation.master;
	const errors = state.load.writeErrors + state.load.readErrors;
	if (state.charm.busy) {
		status.className = 'status busy';
		status.textContent = `Charm at work: ${state.charm.log[0] ? state.charm.log[0].message : ''}`;
	}
	else if (!master) {
		status.className = 'status down';
		status.textContent = 'No master in the relation';
	}
	else {
		status.className = 'status';
		const retries = state.load.writeRetries + state.load.readRetries;
		status.textContent = `Master ${master.node}, ${state.relation.standbys.length} standby(s), `
			+ `${errors} error(s) so far` + (retries ? ` (${retries} retried after a lost connection)` : '');
	}
}

function render(state) {
	latest = state;
	renderStatus(state);
	renderRelation(state);
	renderTraffic(state);
	renderPools(state);
	renderNodes(state);
	renderPublished(state);
	renderLogs(state);
}

async function poll() {
	try {
		const response = await fetch('api/state', { cache: 'no-store' });
		if (!response.ok) {
			throw new Error(`HTTP ${response.status}`);
		}
		render(await response.json());
	}
	catch (error) {
		$('status').className = 'status down';
		$('status').textContent = `The demo application does not answer (${error.message})`;
	}
	finally {
		setTimeout(poll, POLL_MILLIS);
	}
}

async function act(method, path) {
	const response = await fetch(path, { method });
	if (!response.ok) {
		alert(`${method} ${path}: ${response.status} ${await response.text()}`);
	}
}

document.addEventListener('click', (event) => {
	const button = event.target.closest('button');
	if (!button || button.disabled) {
		return;
	}
	const node = encodeURIComponent(button.dataset.node || '');
	if (button.id === 'add-standby') {
		act('POST', 'api/standbys');
	}
	else if (button.id === 'kill-master') {
		act('POST', 'api/master/kill');
	}
	else if (button.id === 'load-toggle') {
		act('POST', `api/load?enabled=${!(latest && latest.load.enabled)}`);
	}
	else if (button.id === 'rotate-password') {
		act('POST', 'api/password/rotate');
	}
	else if (button.id === 'tls-toggle') {
		act('POST', `api/tls?enabled=${!(latest && latest.published && latest.published.tls)}`);
	}
	else if (button.classList.contains('interface')) {
		act('POST', `api/interface?name=${encodeURIComponent(button.dataset.interface)}`);
	}
	else if (button.classList.contains('switchover')) {
		act('POST', `api/standbys/${node}/switchover`);
	}
	else if (button.classList.contains('remove')) {
		act('DELETE', `api/standbys/${node}`);
	}
	else {
		return;
	}
	button.disabled = true;
});

poll();
