/* 挂图作战: draws the battle map from the JSON that dashboards/map.py renders into #battle-map-data.
 *
 * One row per measure on a time axis: dated milestones as markers coloured by light, undated
 * ones (长期推进 …) as a pale band, the lead units' report for each period as a strip of cells
 * under the row, and a vertical line on the as-of day. Clicking a row, its label or a marker
 * opens the measure's ledger. Text from the database reaches the tooltips only through
 * echarts.format.encodeHTML. window.battleMap exposes the chart and the click target for tests.
 *
 * On a phone there is no room for labels beside the timeline (they left it ~80 px) nor for a
 * legend above it (it covered the rows): each row's label goes on a line of its own above its
 * markers, the timeline takes the whole width and the legend goes under the chart. The layout
 * follows the chart's own width, and changes when a rotated phone crosses the breakpoint.
 */
(function () {
  "use strict";

  var container = document.getElementById("battle-map");
  var source = document.getElementById("battle-map-data");
  if (!container || !source || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var rows = data.rows;
  var esc = echarts.format.encodeHTML;

  var LIGHT_COLORS = { red: "#dc3545", yellow: "#e0a800", green: "#198754", done: "#8c959d", none: "#ced4da" };
  var LIGHT_SYMBOLS = { red: "triangle", yellow: "diamond", green: "circle", done: "circle" };
  var REPORT_COLORS = {
    on_time: "#198754",
    late: "#ffc107",
    due_soon: "#fd7e14",
    missing: "#dc3545",
    pending: "#ced4da",
  };
  var UNDATED_COLOR = "rgba(13, 110, 253, 0.12)";
  // px of chart width below which labels go above the rows: narrower, the labels would squeeze
  // the timeline and the legend would need more lines than there is room for above the plot.
  var NARROW = 768;
  var DAY = 86400000;

  // rowHeight: px per measure; markerY: where markers and the undated band sit, from the row's centre.
  function layoutFor(width) {
    if (width < NARROW) {
      return { narrow: true, rowHeight: 46, markerY: 5, grid: { left: 20, right: 24, top: 48, bottom: 104 } };
    }
    return { narrow: false, rowHeight: 30, markerY: -3, grid: { left: 250, right: 36, top: 84, bottom: 16 } };
  }
  var layout = layoutFor(container.clientWidth);
  var reportLabels = {};
  data.report_states.forEach(function (pair) {
    reportLabels[pair[0]] = pair[1];
  });

  function day(iso) {
    var parts = iso.split("-");
    return new Date(+parts[0], +parts[1] - 1, +parts[2]).getTime();
  }

  function heading(row) {
    return "<b>" + esc(row.code + ". " + row.title) + "</b>";
  }

  function rowLabel(row) {
    return row.code + " " + row.title;
  }

  function band(api, index) {
    var centre = api.coord([day(data.start), index]);
    return { y: centre[1], height: api.size([0, 1])[1] };
  }

  var rich = {};
  var smallRich = {};
  Object.keys(LIGHT_COLORS).forEach(function (light) {
    rich[light] = { color: LIGHT_COLORS[light], fontSize: 14 };
    smallRich[light] = { fill: LIGHT_COLORS[light], fontSize: 12 };
  });

  // Every row is a clickable band across the chart, shaded every other row; on a phone it also
  // carries the row's label, above the markers.
  var rowSeries = {
    id: "rows",
    name: "举措",
    type: "custom",
    z: 1,
    encode: { x: 0, y: 1 },
    data: rows.map(function (row, index) {
      return { value: [day(data.start), index], row: index };
    }),
    renderItem: function (params, api) {
      var index = api.value(1);
      var b = band(api, index);
      var shade = {
        type: "rect",
        shape: { x: params.coordSys.x, y: b.y - b.height / 2, width: params.coordSys.width, height: b.height },
        style: { fill: index % 2 ? "rgba(0, 0, 0, 0.025)" : "rgba(255, 255, 255, 0)" },
        emphasis: { style: { fill: "rgba(13, 110, 253, 0.08)" } },
      };
      if (!layout.narrow) {
        return shade;
      }
      var row = rows[index];
      return {
        type: "group",
        children: [
          shade,
          {
            type: "text",
            x: params.coordSys.x + 4,
            y: b.y - b.height / 2 + 3,
            style: {
              text: "{" + row.light + "|●} " + rowLabel(row),
              rich: smallRich,
              fill: "#212529",
              font: "12px sans-serif",
              verticalAlign: "top",
              width: params.coordSys.width - 8,
              overflow: "truncate",
              ellipsis: "…",
            },
          },
        ],
      };
    },
    tooltip: {
      formatter: function (p) {
        var row = rows[p.data.row];
        return [
          heading(row),
          "牵头单位:" + esc(row.lead_units.join("、") || "未明确"),
          "状态:" + esc(data.lights[row.light] || row.light),
          "点击进入台账",
        ].join("<br>");
      },
    },
    markLine: {
      silent: true,
      symbol: "none",
      animation: false,
      lineStyle: { color: "#0d6efd", type: "solid", width: 2 },
      // Above the axis labels (the time axis is at the top), so neither hides the other.
      label: { formatter: data.as_of_label, position: "start", distance: 30, color: "#0d6efd", fontWeight: "bold" },
      data: [{ xAxis: day(data.as_of) }],
    },
  };

  var undatedSeries = {
    id: "undated",
    name: "长期推进",
    type: "custom",
    z: 2,
    itemStyle: { color: UNDATED_COLOR },
    encode: { x: 0, y: 1 },
    data: rows
      .map(function (row, index) {
        return { value: [day(data.start), index], row: index };
      })
      .filter(function (item) {
        return rows[item.row].undated.length > 0;
      }),
    renderItem: function (params, api) {
      var index = api.value(1);
      var b = band(api, index);
      var text = rows[index].undated.join("、");
      return {
        type: "group",
        children: [
          {
            type: "rect",
            shape: { x: params.coordSys.x, y: b.y + layout.markerY - 6, width: params.coordSys.width, height: 12, r: 3 },
            style: { fill: UNDATED_COLOR },
          },
          {
            type: "text",
            x: params.coordSys.x + 4,
            y: b.y + layout.markerY,
            style: { text: text, fill: "#0a58ca", font: "11px sans-serif", verticalAlign: "middle" },
          },
        ],
      };
    },
    tooltip: {
      formatter: function (p) {
        var row = rows[p.data.row];
        return heading(row) + "<br>" + esc(row.undated.join("、")) + ":无固定时限,按各期报送情况督办";
      },
    },
  };

  var milestoneSeries = data.milestone_lights.map(function (light) {
    var items = [];
    rows.forEach(function (row, index) {
      row.milestones.forEach(function (milestone) {
        if (milestone.light === light) {
          items.push({ value: [day(milestone.due), index], row: index, milestone: milestone });
        }
      });
    });
    return {
      id: "milestones-" + light,
      name: "节点 · " + data.lights[light],
      type: "scatter",
      z: 4,
      symbol: LIGHT_SYMBOLS[light],
      symbolSize: 13,
      symbolOffset: [0, layout.markerY],
      itemStyle: { color: LIGHT_COLORS[light], borderColor: "#fff", borderWidth: 1 },
      data: items,
      tooltip: {
        formatter: function (p) {
          var row = rows[p.data.row];
          var m = p.data.milestone;
          var state = m.state;
          if (m.days_overdue) {
            state += "(超期 " + m.days_overdue + " 天)";
          }
          if (m.completed_on) {
            state += "(" + m.completed_on + " 销号)";
          }
          return [
            heading(row),
            "节点:" + esc(m.description),
            "截止日期:" + esc(m.due),
            "状态:" + esc(state),
          ].join("<br>");
        },
      },
    };
  });

  var reportSeries = data.report_states.map(function (pair) {
    var state = pair[0];
    var items = [];
    rows.forEach(function (row, index) {
      row.reports.forEach(function (cell) {
        if (cell.state === state) {
          items.push({ value: [day(cell.starts_on), index, day(cell.ends_on) + DAY], row: index, cell: cell });
        }
      });
    });
    return {
      id: "reports-" + state,
      name: "报送 · " + pair[1],
      type: "custom",
      z: 3,
      itemStyle: { color: REPORT_COLORS[state] },
      encode: { x: [0, 2], y: 1 },
      data: items,
      renderItem: function (params, api) {
        var b = band(api, api.value(1));
        var from = api.coord([api.value(0), api.value(1)])[0];
        var to = api.coord([api.value(2), api.value(1)])[0];
        return {
          type: "rect",
          shape: { x: from + 1, y: b.y + b.height / 2 - 8, width: Math.max(to - from - 2, 2), height: 6 },
          style: { fill: REPORT_COLORS[state] },
        };
      },
      tooltip: {
        formatter: function (p) {
          var row = rows[p.data.row];
          var cell = p.data.cell;
          var lines = [
            heading(row),
            esc(cell.period) + " 报送(截止 " + esc(cell.due_on) + "):" + esc(reportLabels[cell.state]),
          ];
          cell.units.forEach(function (unit) {
            lines.push(esc(unit[0]) + ":" + esc(unit[1]));
          });
          return lines.join("<br>");
        },
      },
    };
  });

  var series = [rowSeries, undatedSeries].concat(milestoneSeries, reportSeries);

  function legend() {
    var common = {
      itemWidth: 14,
      itemHeight: 10,
      data: series.slice(1).map(function (s) {
        return s.name;
      }),
    };
    if (layout.narrow) {
      return Object.assign(common, { bottom: 4, left: layout.grid.left, right: layout.grid.right, itemGap: 8 });
    }
    return Object.assign(common, { top: 4, left: layout.grid.left });
  }

  // The time axis runs along the top; on a phone, where the chart is several screens tall, the
  // years are repeated along the bottom, above the legend.
  function timeAxes() {
    var axis = {
      type: "time",
      position: "top",
      min: day(data.start),
      max: day(data.end),
      axisLabel: {
        hideOverlap: true,
        formatter: { year: "{yyyy}年", month: "{M}月", day: "{M}月{d}日" },
      },
      splitLine: { show: true, lineStyle: { color: "#e9ecef" } },
    };
    if (!layout.narrow) {
      return axis;
    }
    return [axis, Object.assign({}, axis, { position: "bottom", splitLine: { show: false } })];
  }

  // On a phone the as-of label would stick out of the chart, centred on a line near its edge:
  // it ends at the line in the right half of the timeline, and starts there in the left half.
  var asOfShare = (day(data.as_of) - day(data.start)) / (day(data.end) - day(data.start));

  function option() {
    // The phone layout draws the markers lower in the row, under the label.
    milestoneSeries.forEach(function (s) {
      s.symbolOffset = [0, layout.markerY];
    });
    rowSeries.markLine.label.align = layout.narrow ? (asOfShare > 0.5 ? "right" : "left") : "center";
    return {
      animation: false,
      textStyle: { fontFamily: 'system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif' },
      legend: legend(),
      tooltip: {
        trigger: "item",
        confine: true,
        extraCssText: "max-width: 380px; white-space: normal;",
      },
      grid: layout.grid,
      xAxis: timeAxes(),
      yAxis: {
        type: "category",
        inverse: true,
        triggerEvent: true,
        data: rows.map(function (row, index) {
          return String(index);
        }),
        axisTick: { show: false },
        axisLabel: {
          show: !layout.narrow,
          width: layout.grid.left - 16,
          overflow: "truncate",
          ellipsis: "…",
          rich: rich,
          formatter: function (value) {
            var row = rows[+value];
            return "{" + row.light + "|●} " + rowLabel(row);
          },
        },
      },
      series: series,
    };
  }

  function target(params) {
    if (params.componentType === "yAxis") {
      return rows[+params.value].url;
    }
    if (params.componentType === "series" && params.data && params.data.row !== undefined) {
      return rows[params.data.row].url;
    }
    return null;
  }

  function open(params) {
    var url = target(params);
    if (url) {
      window.location.assign(url);
    }
    return url;
  }

  function fitHeight() {
    container.style.height = layout.grid.top + layout.grid.bottom + rows.length * layout.rowHeight + "px";
  }

  fitHeight();
  var chart = echarts.init(container, null, { renderer: "canvas", locale: "ZH" });
  chart.setOption(option());
  chart.on("click", open);
  window.addEventListener("resize", function () {
    var next = layoutFor(container.clientWidth);
    if (next.narrow !== layout.narrow) {
      layout = next;
      fitHeight();
      chart.resize();
      chart.setOption(option(), { notMerge: true });
    } else {
      chart.resize();
    }
  });
  window.battleMap = { chart: chart, data: data, target: target, open: open };
})();
